"""``makemessages`` without fuzzy matching: msgmerge's guesses ('Members' -> 'Lid sinds') would
otherwise sit in the catalogue looking translated. New strings stay empty until translated."""

from django.core.management.commands.makemessages import Command as MakeMessagesCommand


class Command(MakeMessagesCommand):
    msgmerge_options = [*MakeMessagesCommand.msgmerge_options, "--no-fuzzy-matching"]
