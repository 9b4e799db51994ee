"""Fill msgstr entries of a .po file from a Python dict (a translator's helper, not run by make).

Usage: python scripts/fill_translations.py locale/nl/LC_MESSAGES/django.po translations.py
where translations.py defines ``NL = {msgid: msgstr}``. Prints the msgids still untranslated.
"""

import runpy
import sys

import polib


def main(po_path: str, table_path: str) -> None:
    table = runpy.run_path(table_path)["NL"]
    po = polib.pofile(po_path, wrapwidth=100)
    for entry in po:
        if entry.msgid in table:
            if entry.msgid_plural:
                entry.msgstr_plural = {0: table[entry.msgid][0], 1: table[entry.msgid][1]}
            else:
                entry.msgstr = table[entry.msgid]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
    po.save()
    for entry in po.untranslated_entries():
        print("untranslated:", repr(entry.msgid))
    for entry in po.fuzzy_entries():
        print("fuzzy:", repr(entry.msgid))


if __name__ == "__main__":
    main(*sys.argv[1:])
