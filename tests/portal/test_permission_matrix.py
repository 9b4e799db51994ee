"""Every URL pattern of the portal × every role → what that role gets, for GET and for POST.

The URL patterns are read from the resolver, so the matrix cannot go stale: a pattern without a
row fails ``test_every_url_pattern_is_classified``, and the failure says which row to add
(with the statuses observed now, to be checked before pasting).

Roles (the columns; who they are: ``tests/world.py``, ``ROLES``):
    A anonymous · R resident · E editor · O owner · P pioneer member · M municipal officer
    S LSA staff · U superuser

Cells:
    200 403 404 405 410 ...  that status
    L     302 to the portal's log-in page
    AL    302 to the admin's log-in page
    302   any other redirect
    *     (POST only) this role's POST changes the database. Without a star the database must
          be exactly as before (every table of the project, compared row by row), so a refused
          POST is proven not to have written anything.

Rows are ``url_name`` or ``url_name@variant`` when the statuses depend on the object (a concept
or a published enterprise, a draft or a public report). The fixture world that the hostile-input
test and the accessibility audit share (``tests/world.py``) fills the path: its ``PATHS`` says
which object. A URL without an ``EXPECTED_POST`` row must refuse
POST (405, or the log-in page for anonymous visitors where the page needs a log-in).
The admin's model pages follow one rule (``ADMIN_ACTIONS``); its other pages have rows, as do
allauth's pages, the sitemap, the feeds and ``/media/``. Language prefixes or
namespaces would be walked like any include. Static files are served by WhiteNoise before the
URL resolver and are public by nature, so they have no pattern to classify.

Besides the status, every page a role may open is searched for the world's secrets (a concept's
name, internal notes, reviewers' comments, drafts, contact persons...): a role that may not see
one must not find it on any page, list, feed or export either (``tests/world.py``, ``SECRETS``).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import timedelta
from http.cookies import SimpleCookie

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.db.models import Model
from django.http import FileResponse
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.models import User
from pioneers.models import Element
from tests.factories import DEFAULT_PASSWORD
from tests.world import FAST_HASHERS, PATHS, ROLES, SECRETS, base_of, build_world

pytestmark = pytest.mark.django_db

ROLE_CODES = tuple(ROLES)

EXPECTED = """
# url name [@variant]                                  A    R    E    O    P    M    S    U
home                                                   200  200  200  200  200  200  200  200
health                                                 200  200  200  200  200  200  200  200
set_language                                           302  302  302  302  302  302  302  302
sitemap                                                200  200  200  200  200  200  200  200
media                                                  404  404  404  404  404  404  404  404
# (/media/ serves only the public images: logos and covers; every other file, like this report
#  PDF, goes through its own view with its permission check)
privacy_statement                                      200  200  200  200  200  200  200  200
cookies                                                200  200  200  200  200  200  200  200

# accounts (allauth; logged-in users are sent on from the log-in and sign-up pages)
account_login                                          200  302  302  302  302  302  302  302
account_logout                                         302  200  200  200  200  200  200  200
account_signup                                         200  302  302  302  302  302  302  302
account_inactive                                       200  200  200  200  200  200  200  200
account_reauthenticate                                 L    200  200  200  200  200  200  200
account_request_reauthentication_code                  L    200  200  200  200  200  200  200
account_confirm_reauthentication_code                  L    302  302  302  302  302  302  302
account_request_login_code                             200  302  302  302  302  302  302  302
account_confirm_login_code                             302  302  302  302  302  302  302  302
account_email                                          L    200  200  200  200  200  200  200
account_email_verification_sent                        200  200  200  200  200  200  200  200
account_confirm_email                                  200  200  200  200  200  200  200  200
account_change_password                                L    200  200  200  200  200  200  200
account_set_password                                   L    302  302  302  302  302  302  302
account_reset_password                                 200  200  200  200  200  200  200  200
account_reset_password_done                            200  200  200  200  200  200  200  200
account_reset_password_from_key                        200  200  200  200  200  200  200  200
account_reset_password_from_key_done                   200  200  200  200  200  200  200  200
accounts:profile                                       L    200  200  200  200  200  200  200
accounts:privacy                                       L    200  200  200  200  200  200  200
accounts:privacy_export                                L    405  405  405  405  405  405  405
accounts:delete_account                                L    405  405  405  405  405  405  405

# the admin's own pages (its model pages follow ADMIN_ACTIONS)
admin:index                                            AL   AL   AL   AL   AL   AL   200  200
admin:app_list                                         AL   AL   AL   AL   AL   AL   200  200
admin:login                                            200  200  200  200  200  200  302  302
admin:logout                                           302  302  302  302  302  302  405  405
admin:password_change                                  AL   AL   AL   AL   AL   AL   200  200
admin:password_change_done                             AL   AL   AL   AL   AL   AL   200  200
admin:autocomplete                                     AL   AL   AL   AL   AL   AL   403  403
admin:jsi18n                                           AL   AL   AL   AL   AL   AL   200  200
admin:view_on_site                                     AL   AL   AL   AL   AL   AL   302  302
admin:auth_user_password_change                        AL   AL   AL   AL   AL   AL   403  200
admin:enterprises_enterprise_simple_history            AL   AL   AL   AL   AL   AL   200  200
admin:enterprises_yearfigures_simple_history           AL   AL   AL   AL   AL   AL   200  200
admin/(?P<url>.*)$                                     AL   AL   AL   AL   AL   AL   404  404

# enterprises: a concept, submitted or rejected enterprise exists only for its members and staff
enterprises:index                                      200  200  200  200  200  200  200  200
enterprises:benchmark                                  200  200  200  200  200  200  200  200
enterprises:export_csv                                 200  200  200  200  200  200  200  200
enterprises:export_json                                200  200  200  200  200  200  200  200
enterprises:register                                   L    200  200  200  200  200  200  200
enterprises:mine                                       L    200  200  200  200  200  200  200
enterprises:invitation                                 L    200  200  200  200  200  200  200
enterprises:profile@concept                            404  404  200  200  404  404  200  200
enterprises:archive@published                          L    404  404  200  404  404  200  200
enterprises:archive@archived                           L    404  404  404  404  404  404  404
enterprises:profile@submitted                          404  404  200  200  404  404  200  200
enterprises:profile@rejected                           404  404  200  200  404  404  200  200
enterprises:profile@published                          200  200  200  200  200  200  200  200
enterprises:profile@archived                           404  404  200  200  404  404  200  200
enterprises:edit@concept                               L    404  200  200  404  404  404  404
enterprises:edit@published                             L    404  200  200  404  404  404  404
enterprises:edit@archived                              L    404  404  404  404  404  404  404
enterprises:submit@concept                             L    405  405  405  405  405  405  405
enterprises:submit@published                           L    405  405  405  405  405  405  405
enterprises:assets                                     L    404  200  200  404  404  404  404
enterprises:asset_add                                  L    404  200  200  404  404  404  404
enterprises:asset_edit                                 L    404  200  200  404  404  404  404
enterprises:asset_delete                               L    405  405  405  405  405  405  405
enterprises:figures                                    L    404  200  200  404  404  404  404
enterprises:figures_add                                L    404  200  200  404  404  404  404
enterprises:figures_edit                               L    404  200  200  404  404  404  404
enterprises:members@concept                            L    404  200  200  404  404  404  404
enterprises:members@archived                           L    404  200  200  404  404  404  404
enterprises:member_remove@concept                      L    405  405  405  405  405  405  405
enterprises:member_role@concept                        L    405  405  405  405  405  405  405
enterprises:invitation_revoke                          L    405  405  405  405  405  405  405
enterprises:review_queue                               L    404  404  404  404  404  200  200
enterprises:review@submitted                           L    404  404  404  404  404  200  200
enterprises:review@concept                             L    404  404  404  404  404  200  200
enterprises:import                                     L    404  404  404  404  404  200  200
enterprises:import_template_xlsx                       L    404  404  404  404  404  200  200
enterprises:import_template_csv                        L    404  404  404  404  404  200  200
enterprises:import_preview                             L    404  404  404  404  404  200  200
enterprises:import_confirm                             L    405  405  405  405  405  405  405
enterprises:import_discard                             L    405  405  405  405  405  405  405

# pioneers: a track exists for its own members and staff; scores and internal notes for staff
pioneers:index                                         200  200  200  200  200  200  200  200
pioneers:apply                                         L    200  200  200  200  200  200  200
pioneers:application@draft                             L    404  200  200  404  404  404  404
pioneers:application@submitted                         L    404  404  404  200  404  404  404
pioneers:review_list                                   L    404  404  404  404  404  200  200
pioneers:review@draft                                  L    404  404  404  404  404  404  404
pioneers:review@submitted                              L    404  404  404  404  404  200  200
pioneers:dashboard                                     L    404  404  404  404  404  200  200
pioneers:pioneer                                       L    404  404  404  200  404  200  200
pioneers:log                                           L    404  404  404  200  404  200  200
pioneers:history                                       L    404  404  404  200  404  200  200
pioneers:pioneer_edit                                  L    404  404  404  404  404  200  200
pioneers:log_new                                       L    404  404  404  404  404  200  200
pioneers:reading_new                                   L    404  404  404  404  404  200  200
pioneers:element_new                                   L    404  404  404  404  404  200  200
pioneers:milestone_new                                 L    404  404  404  404  404  200  200
pioneers:milestone_edit                                L    404  404  404  404  404  200  200
pioneers:support_new                                   L    404  404  404  404  404  200  200
pioneers:support_edit                                  L    404  404  404  404  404  200  200
pioneers:lessons                                       L    404  404  404  404  404  200  200
pioneers:lesson_new                                    L    404  404  404  404  404  200  200
pioneers:lesson_publish                                L    405  405  405  405  405  405  405
pioneers:compare                                       L    404  404  404  404  404  200  200
pioneers:experts                                       L    404  404  404  404  404  200  200
pioneers:expert                                        L    404  404  404  404  404  200  200

# knowledge: drafts exist for staff only; downloads never serve a draft
knowledge:index                                        200  200  200  200  200  200  200  200
knowledge:search                                       200  200  200  200  200  200  200  200
knowledge:reports                                      200  200  200  200  200  200  200  200
knowledge:report@open                                  200  200  200  200  200  200  200  200
knowledge:report@on_request                            200  200  200  200  200  200  200  200
knowledge:report@draft                                 404  404  404  404  404  404  200  200
knowledge:report_download@open                         200  200  200  200  200  200  200  200
knowledge:report_download@on_request                   302  302  302  302  302  302  302  302
knowledge:report_download@draft                        404  404  404  404  404  404  404  404
knowledge:report_download_signed                       200  200  200  200  200  200  200  200
knowledge:report_request@on_request                    200  200  200  200  200  200  200  200
knowledge:report_request@open                          302  302  302  302  302  302  302  302
knowledge:report_request@draft                         404  404  404  404  404  404  404  404
knowledge:report_request_sent@on_request               200  200  200  200  200  200  200  200
knowledge:report_request_sent@draft                    404  404  404  404  404  404  404  404
knowledge:faq                                          200  200  200  200  200  200  200  200
knowledge:articles                                     200  200  200  200  200  200  200  200
knowledge:article@published                            200  200  200  200  200  200  200  200
knowledge:article@draft                                404  404  404  404  404  404  200  200
knowledge:cases                                        200  200  200  200  200  200  200  200
knowledge:case@public                                  200  200  200  200  200  200  200  200
knowledge:case@draft                                   404  404  404  404  404  404  200  200
knowledge:case_pdf@public                              200  200  200  200  200  200  200  200
knowledge:case_pdf@draft                               404  404  404  404  404  404  200  200
knowledge:case_pdf_version@public                      200  200  200  200  200  200  200  200
knowledge:case_pdf_version@draft                       404  404  404  404  404  404  200  200
knowledge:case_pdf_generate@public                     405  405  405  405  405  405  405  405
knowledge:case_pdf_generate@draft                      405  405  405  405  405  405  405  405
knowledge:pdf_job_status@public                        404  404  404  404  404  404  200  200
knowledge:pdf_job_status@draft                         404  404  404  404  404  404  200  200
knowledge:cohort_pdfs                                  404  404  404  404  404  404  200  200
knowledge:newsletter                                   200  200  200  200  200  200  200  200
knowledge:newsletter_sent                              200  200  200  200  200  200  200  200
knowledge:newsletter_confirm                           200  200  200  200  200  200  200  200
knowledge:newsletter_unsubscribe                       200  200  200  200  200  200  200  200
knowledge:advice                                       200  200  200  200  200  200  200  200
knowledge:advice_sent                                  200  200  200  200  200  200  200  200
knowledge:export_requests                              L    403  403  403  403  403  200  200
knowledge:export_subscribers                           L    403  403  403  403  403  200  200
knowledge:feed                                         200  200  200  200  200  200  200  200
knowledge:feed_atom                                    200  200  200  200  200  200  200  200

# municipalities: contacts and downloads for officers linked to it, and staff
monitor:index                                          302  302  302  302  302  302  302  302
monitor:year                                           200  200  200  200  200  200  200  200
monitor:report                                         L    404  404  404  404  404  200  200
monitor:report_status                                  L    404  404  404  404  404  200  200
monitor:report_download                                L    404  404  404  404  404  200  200
# monitor: the reporting rounds are staff's (closing a closed round leads back to its page)
monitor:rounds                                         L    404  404  404  404  404  200  200
monitor:round@open                                     L    404  404  404  404  404  200  200
monitor:round@closed                                   L    404  404  404  404  404  200  200
monitor:round_close@open                               L    404  404  404  404  404  200  200
monitor:round_close@closed                             L    404  404  404  404  404  302  302
monitor:round_correction@closed                        L    404  404  404  404  404  405  405
monitor:round_correction@open                          L    404  404  404  404  404  405  405
monitor:figures_checked                                L    404  404  404  404  404  405  405
monitor:round_non_respondents                          L    404  404  404  404  404  200  200
municipalities:index                                   200  200  200  200  200  200  200  200
municipalities:detail                                  200  200  200  200  200  200  200  200
municipalities:detail@elsewhere                        200  200  200  200  200  200  200  200
municipalities:export_csv                              L    403  403  403  403  200  200  200
municipalities:export_csv@elsewhere                    L    403  403  403  403  403  200  200
municipalities:export_xlsx                             L    403  403  403  403  200  200  200
municipalities:export_xlsx@elsewhere                   L    403  403  403  403  403  200  200
municipalities:link_request                            L    403  403  403  403  200  403  403
municipalities:link_queue                              L    404  404  404  404  404  200  200
municipalities:link_decide                             L    405  405  405  405  405  405  405
municipalities:follow                                  405  405  405  405  405  405  405  405
municipalities:follow_confirm                          200  200  200  200  200  200  200  200
municipalities:unfollow                                200  200  200  200  200  200  200  200
municipalities:brief                                   L    405  405  405  405  405  405  405
municipalities:brief_status                            200  200  200  200  200  200  200  200
municipalities:brief_download                          200  200  200  200  200  200  200  200

# the open-data API: anonymous open data, the same for everyone (it reads no session)
# (/api/v1/ ends in a slash: no address of the API does)
api:api-root                                           404  404  404  404  404  404  404  404
api:openapi-json                                       200  200  200  200  200  200  200  200
api:enterprises                                        200  200  200  200  200  200  200  200
api:enterprise                                         200  200  200  200  200  200  200  200
api:enterprise@concept                                 404  404  404  404  404  404  404  404
api:enterprise@archived                                404  404  404  404  404  404  404  404
api:enterprise_figures                                 200  200  200  200  200  200  200  200
api:enterprise_figures@submitted                       404  404  404  404  404  404  404  404
api:municipalities                                     200  200  200  200  200  200  200  200
api:municipality                                       200  200  200  200  200  200  200  200
api:municipality@slug                                  200  200  200  200  200  200  200  200
api:reports                                            200  200  200  200  200  200  200  200
api:report                                             200  200  200  200  200  200  200  200
api:report@on_request                                  200  200  200  200  200  200  200  200
api:report@draft                                       404  404  404  404  404  404  404  404
api:faqs                                               200  200  200  200  200  200  200  200
api:articles                                           200  200  200  200  200  200  200  200
api:article                                            200  200  200  200  200  200  200  200
api:article@draft                                      404  404  404  404  404  404  404  404
api:cases                                              200  200  200  200  200  200  200  200
api:case                                               200  200  200  200  200  200  200  200
api:case@draft                                         404  404  404  404  404  404  404  404

# staff: their start page, what waits for them
staff:home                                             L    404  404  404  404  404  200  200
"""

EXPECTED_POST = """
# url name [@variant]                                  A    R    E    O    P    M    S    U
set_language                                           302  302  302  302  302  302  302  302
sitemap                                                200  200  200  200  200  200  200  200
media                                                  404  404  404  404  404  404  404  404
# (no address of the API ends in a slash, whatever the method)
api:api-root                                           404  404  404  404  404  404  404  404

# accounts: forms about one's own account (wrong passwords here: nothing may change)
account_login                                          200  302  302  302  302  302  302  302
account_logout                                         302  302  302  302  302  302  302  302
account_signup                                         302* 302  302  302  302  302  302  302
account_reauthenticate                                 L    200  200  200  200  200  200  200
account_request_reauthentication_code                  L    200  200  200  200  200  200  200
account_confirm_reauthentication_code                  L    302  302  302  302  302  302  302
account_request_login_code                             302  302  302  302  302  302  302  302
account_confirm_login_code                             302  302  302  302  302  302  302  302
account_email                                          L    302* 302* 302* 302* 302* 302* 302*
account_confirm_email                                  404  404  404  404  404  404  404  404
account_change_password                                L    200  200  200  200  200  200  200
account_set_password                                   L    302  302  302  302  302  302  302
account_reset_password                                 302  302  302  302  302  302  302  302
accounts:privacy_export                                L    200* 200* 200* 200* 200* 200* 200*
accounts:delete_account                                L    302* 302* 302  302  302* 302* 302
account_reset_password_from_key                        200  200  200  200  200  200  200  200

# the admin's own pages
admin:index                                            AL   AL   AL   AL   AL   AL   200  200
admin:app_list                                         AL   AL   AL   AL   AL   AL   200  200
admin:login                                            200  200  200  200  200  200  200  200
admin:logout                                           302  302  302  302  302  302  200  200
admin:password_change                                  AL   AL   AL   AL   AL   AL   200  200
admin:view_on_site                                     AL   AL   AL   AL   AL   AL   302  302
admin:auth_user_password_change                        AL   AL   AL   AL   AL   AL   403  302*
admin:enterprises_enterprise_simple_history            AL   AL   AL   AL   AL   AL   200  200
admin:enterprises_yearfigures_simple_history           AL   AL   AL   AL   AL   AL   200  200
admin/(?P<url>.*)$                                     AL   AL   AL   AL   AL   AL   404  404
# requests that come in by form: staff only note what they did, so an empty form is valid
admin:knowledge_reportrequest_change                   AL   AL   AL   AL   AL   AL   302* 302*
admin:knowledge_advicerequest_change                   AL   AL   AL   AL   AL   AL   302* 302*
# what others still refer to cannot be deleted: the admin says so (200) and keeps it
admin:pioneers_cohort_delete                           AL   AL   AL   AL   AL   AL   200  200
admin:pioneers_area_delete                             AL   AL   AL   AL   AL   AL   200  200
admin:pioneers_element_delete                          AL   AL   AL   AL   AL   AL   200  200
admin:knowledge_faqcategory_delete                     AL   AL   AL   AL   AL   AL   200  200
# a pioneer's readings are history: nobody deletes them in the admin, so not the pioneer either
admin:pioneers_pioneer_delete                          AL   AL   AL   AL   AL   AL   403  403

# enterprises
enterprises:register                                   L    302* 302* 302* 302* 302* 302* 302*
# only the account with the invited address (here the resident's) accepts; others: 403
enterprises:invitation                                 L    302* 403  403  403  403  403  403
enterprises:edit@concept                               L    404  302* 302* 404  404  404  404
enterprises:archive@published                          L    404  404  302* 404  404  302* 302*
enterprises:archive@archived                           L    404  404  404  404  404  404  404
enterprises:edit@published                             L    404  302* 302* 404  404  404  404
enterprises:edit@archived                              L    404  404  404  404  404  404  404
enterprises:submit@concept                             L    404  302* 302* 404  404  404  404
enterprises:submit@published                           L    404  403  403  404  404  404  404
enterprises:asset_add                                  L    404  302* 302* 404  404  404  404
enterprises:asset_edit                                 L    404  302* 302* 404  404  404  404
enterprises:asset_delete                               L    404  302* 302* 404  404  404  404
enterprises:figures_add                                L    404  302* 302* 404  404  404  404
enterprises:figures_edit                               L    404  302* 302* 404  404  404  404
enterprises:members@concept                            L    404  403  302* 404  404  404  404
enterprises:members@archived                           L    404  403  403  404  404  404  404
enterprises:member_remove@concept                      L    404  403  302* 404  404  404  404
enterprises:member_remove@archived                     L    404  403  403  404  404  404  404
enterprises:member_role@concept                        L    404  403  302* 404  404  404  404
enterprises:member_role@archived                       L    404  403  403  404  404  404  404
enterprises:invitation_revoke                          L    404  404  302* 404  404  404  404
enterprises:review@submitted                           L    404  404  404  404  404  302* 302*
enterprises:review@concept                             L    404  404  404  404  404  302  302
# staff upload a spreadsheet (a preview), confirm it (enterprises and figures) or discard it
enterprises:import                                     L    404  404  404  404  404  302* 302*
enterprises:import_confirm                             L    404  404  404  404  404  302* 302*
enterprises:import_discard                             L    404  404  404  404  404  302* 302*

# pioneers
pioneers:apply                                         L    200  302* 302* 200  200  200  200
pioneers:application@draft                             L    404  302* 302* 404  404  404  404
pioneers:application@submitted                         L    404  404  404  403  404  404  404
pioneers:review@draft                                  L    404  404  404  404  404  404  404
pioneers:review@submitted                              L    404  404  404  404  404  302* 302*
pioneers:review@decide                                 L    404  404  404  404  404  302* 302*
pioneers:pioneer_edit                                  L    404  404  404  404  404  302* 302*
pioneers:log_new                                       L    404  404  404  404  404  302* 302*
pioneers:reading_new                                   L    404  404  404  404  404  302* 302*
pioneers:element_new                                   L    404  404  404  404  404  302* 302*
pioneers:milestone_new                                 L    404  404  404  404  404  302* 302*
pioneers:milestone_edit                                L    404  404  404  404  404  302* 302*
pioneers:support_new                                   L    404  404  404  404  404  302* 302*
pioneers:support_edit                                  L    404  404  404  404  404  302* 302*
pioneers:lesson_new                                    L    404  404  404  404  404  302* 302*
pioneers:lesson_publish                                L    404  404  404  404  404  302* 302*

# knowledge
knowledge:report_request@on_request                    302* 302* 302* 302* 302* 302* 302* 302*
knowledge:report_request@open                          302  302  302  302  302  302  302  302
knowledge:report_request@draft                         404  404  404  404  404  404  404  404
knowledge:case_pdf_generate@public                     404  404  404  404  404  404  302* 302*
knowledge:case_pdf_generate@draft                      404  404  404  404  404  404  302* 302*
knowledge:cohort_pdfs                                  404  404  404  404  404  404  302* 302*
knowledge:newsletter                                   302* 302* 302* 302* 302* 302* 302* 302*
knowledge:newsletter_confirm                           200* 200* 200* 200* 200* 200* 200* 200*
knowledge:newsletter_unsubscribe                       200* 200* 200* 200* 200* 200* 200* 200*
knowledge:advice                                       302* 302* 302* 302* 302* 302* 302* 302*
knowledge:feed                                         200  200  200  200  200  200  200  200
knowledge:feed_atom                                    200  200  200  200  200  200  200  200

# monitor (a correction of a round whose monitor is not fixed yet: the form says why)
monitor:rounds                                         L    404  404  404  404  404  302* 302*
monitor:round@open                                     L    404  404  404  404  404  405  405
monitor:round@closed                                   L    404  404  404  404  404  405  405
monitor:round_close@open                               L    404  404  404  404  404  302* 302*
monitor:round_close@closed                             L    404  404  404  404  404  302  302
monitor:round_correction@closed                        L    404  404  404  404  404  302* 302*
monitor:round_correction@open                          L    404  404  404  404  404  200  200
monitor:figures_checked                                L    404  404  404  404  404  302* 302*
monitor:round_non_respondents                          L    404  404  404  404  404  405  405

# municipalities
municipalities:link_request                            L    403  403  403  403  302* 403  403
municipalities:link_decide                             L    404  404  404  404  404  302* 302*
municipalities:follow                                  302* 302* 302* 302* 302* 302* 302* 302*
municipalities:follow_confirm                          200  200  200  200  200  200  200  200
municipalities:unfollow                                200* 200* 200* 200* 200* 200* 200* 200*
municipalities:brief                                   L    302* 302* 302* 302* 302* 302* 302*
monitor:report                                         L    404  404  404  404  404  302* 302*
monitor:report_status                                  L    404  404  404  404  404  405  405
monitor:report_download                                L    404  404  404  404  404  405  405

# staff
staff:home                                             L    404  404  404  404  404  405  405
"""

# What the admin lets LSA staff (S) and superusers (U) do with each model: v(iew) a(dd)
# c(hange) d(elete), - for nothing. Anyone without staff status is sent to the admin's log-in.
ADMIN_ACTIONS = """
# model                          S      U
auth.group                       -      vacd
accounts.user                    v      vacd
account.emailaddress             v      vacd
enterprises.municipality         vacd   vacd
enterprises.theme                vacd   vacd
enterprises.enterprise           vacd   vacd
enterprises.invitation           vacd   vacd
enterprises.yearfigures          vacd   vacd
pioneers.cohort                  vacd   vacd
pioneers.area                    vacd   vacd
pioneers.application             vacd   vacd
pioneers.reviewscore             vacd   vacd
pioneers.pioneer                 vacd   vacd
pioneers.expert                  vacd   vacd
pioneers.supportitem             vacd   vacd
pioneers.milestone               vacd   vacd
pioneers.logentry                vacd   vacd
pioneers.lesson                  vacd   vacd
pioneers.element                 vacd   vacd
pioneers.reading                 v      v
knowledge.report                 vacd   vacd
knowledge.faqcategory            vacd   vacd
knowledge.faq                    vacd   vacd
knowledge.article                vacd   vacd
knowledge.casedescription        vacd   vacd
knowledge.audience               vacd   vacd
knowledge.reportrequest          vcd    vcd
knowledge.subscriber             vcd    vcd
knowledge.advicerequest          vcd    vcd
lsa_portal.auditentry            v      v
monitor.reportinground           v      v
municipalities.officerlink       vacd   vacd
"""


# Secrets a page may show to every role that can open it, by design.
SHOWN_BY_DESIGN = {
    # Whoever holds the invitation link sees which enterprise invites them.
    "enterprises:invitation": {"Geheim Conceptbedrijf"},
    # The link in the subscriber's own mail names the address it unsubscribes.
    "knowledge:newsletter_unsubscribe": {"lezer-geheim@example.org"},
}


# Where a role that may see each secret does see it: the markers are really on the pages, so
# that their absence from every other page means something.
SECRETS_SHOWN = {
    "Geheim Conceptbedrijf": ("enterprises:profile@concept", "E"),
    "Ingediend Wachtbedrijf": ("enterprises:profile@submitted", "O"),
    "Afgewezen Herkansbedrijf": ("enterprises:profile@rejected", "O"),
    "Gearchiveerd Slotbedrijf": ("enterprises:profile@archived", "O"),
    "REDEN-AFWIJZING-5521": ("enterprises:mine", "E"),
    "contact-geheim@open-buurtbedrijf.example": ("municipalities:detail", "M"),
    "contact-concept@geheim-conceptbedrijf.example": ("enterprises:edit@concept", "O"),
    "contact-elders@andere-stad.example": ("municipalities:detail@elsewhere", "S"),
    "INTERN-LOGBOEK-7731": ("pioneers:log", "S"),
    "GEDEELD-LOGBOEK-2209": ("pioneers:log", "P"),
    "AMBITIE-NIET-OPENBAAR-3321": ("pioneers:pioneer", "P"),
    "MIJLPAAL-GEPLAND-5150": ("pioneers:pioneer", "P"),
    "ONDERSTEUNING-TAXATIE-6006": ("pioneers:pioneer", "P"),
    "expert-geheim@example.org": ("pioneers:expert", "S"),
    "ANTWOORD-CONCEPTAANVRAAG-1187": ("pioneers:application@draft", "E"),
    "ANTWOORD-INGEDIEND-4478": ("pioneers:application@submitted", "P"),
    "BEOORDELING-GEHEIM-4410": ("pioneers:review@submitted", "S"),
    "Conceptrapport Verborgen": ("knowledge:report@draft", "S"),
    "Conceptartikel Verborgen": ("knowledge:article@draft", "S"),
    "Conceptcasus Verborgen": ("knowledge:case@draft", "S"),
    "Conceptvraag Verborgen": ("knowledge:faq", "S"),
    "Conceptles Verborgen": ("pioneers:pioneer", "S"),
    "MOTIVATIE-KOPPELING-8812": ("municipalities:link_queue", "S"),
    "aanvrager-geheim@example.org": ("knowledge:export_requests", "S"),
    "lezer-geheim@example.org": ("knowledge:export_subscribers", "S"),
}


def _profile(w, name):
    enterprise = w.objects[name]
    return {
        "name": enterprise.name,
        "kind": "bewonersbedrijf",
        "legal_form": "stichting",
        "kvk_number": "12345678",
        "founded_year": "2016",
        "municipality": enterprise.municipality_id,
        "neighbourhood": "Noord",
        "pitch": "Een nieuwe pitch uit de matrix.",
        "mission": "De winst blijft in de wijk.",
        "themes": [theme.pk for theme in enterprise.themes.all()],
        "contact_name": "",
        "contact_email": "",
    }


FIGURES = {
    "income_sales": "40000",
    "income_rent": "10000",
    "income_contributions": "0",
    "income_subsidies": "5000",
    "income_public_contracts": "0",
    "income_funds": "0",
    "income_donations": "0",
    "income_loans": "0",
    "expenses": "50000",
    "paid_staff_fte": "1",
    "volunteers": "10",
    "people_from_benefits": "0",
    "residents_reached": "100",
}
ANSWERS = {
    "answer_residents": "Van, voor en door bewoners.",
    "answer_ambition": "Het buurthuis kopen.",
    "flywheel_type": "gebouw-kopen",
    "answer_flywheel": "Met obligaties.",
    "answer_feasible": "Binnen drie jaar.",
    "answer_support": "Hulp bij de financiering.",
    "willing_to_help": "on",
    "answer_help_others": "We delen wat we leren.",
    "contact_name": "Contactpersoon Aanvraag",
    "contact_email": "aanvraag@example.org",
}
SCORES = {
    f"score_{criterion}": "4"
    for criterion in ("bewoners", "ambitie", "vliegwiel", "haalbaar", "ondersteuning")
} | {"score_anderen-helpen": "3"}


def _reading(w):
    elements = Element.objects.filter(pioneer__isnull=True, active=True)
    data = {f"position_{element.pk}": "60" for element in elements}
    return data | {"taken_on": "2026-01-15", "note": "Nieuwe stand", "save": ""}


# Valid-looking data for the POST rows: the roles that may post change the database with it
# (starred cells), so a refusal is the permission check and not form validation.
POST_DATA = {
    "accounts:delete_account": lambda w: {"password": DEFAULT_PASSWORD},
    "account_login": lambda w: {"login": "bewoner@example.org", "password": "fout-wachtwoord"},
    "account_signup": lambda w: {
        "email": "nieuw-account@example.org",
        "password1": "Een-lang-wachtwoord-42",
        "password2": "Een-lang-wachtwoord-42",
    },
    "account_email": lambda w: {"action_add": "", "email": "tweede-adres@example.org"},
    "account_change_password": lambda w: {
        "oldpassword": "fout-wachtwoord",
        "password1": "Een-nieuw-wachtwoord-43",
        "password2": "Een-nieuw-wachtwoord-43",
    },
    "account_reset_password": lambda w: {"email": "bewoner@example.org"},
    "account_request_login_code": lambda w: {"email": "bewoner@example.org"},
    "account_reauthenticate": lambda w: {"password": "fout-wachtwoord"},
    "set_language": lambda w: {"language": "en", "next": "/"},
    "admin:login": lambda w: {"username": "medewerker@example.org", "password": "fout"},
    "admin:password_change": lambda w: {
        "old_password": "fout",
        "new_password1": "Een-nieuw-wachtwoord-43",
        "new_password2": "Een-nieuw-wachtwoord-43",
    },
    "admin:auth_user_password_change": lambda w: {
        "password1": "Een-nieuw-wachtwoord-43",
        "password2": "Een-nieuw-wachtwoord-43",
        "usable_password": "true",
    },
    # enterprises
    "enterprises:register": lambda w: {
        "name": "Nieuw Matrixinitiatief",
        "kind": "bewonersbedrijf",
        "municipality": w.municipality.pk,
        "neighbourhood": "Zuid",
    },
    "enterprises:edit@concept": lambda w: _profile(w, "concept"),
    "enterprises:edit@published": lambda w: _profile(w, "published"),
    "enterprises:asset_add": lambda w: {
        "kind": "gebouw",
        "name": "Het nieuwe pand",
        "tenure": "eigendom",
        "ground_tenure": "eigendom",
        "size_m2": "120",
    },
    "enterprises:asset_edit": lambda w: {
        "kind": "gebouw",
        "name": "Het verbouwde pand",
        "tenure": "huur",
        "size_m2": "300",
    },
    "enterprises:figures_add": lambda w: {"year": "2023", **FIGURES},
    "enterprises:figures_edit": lambda w: {"year": "2024", **FIGURES},
    "enterprises:members": lambda w: {"email": "nieuw-lid@example.org", "role": "redacteur"},
    "enterprises:member_role": lambda w: {"role": "eigenaar"},
    "enterprises:review@submitted": lambda w: {"decision": "publish"},
    "enterprises:review@concept": lambda w: {"decision": "reject", "reason": "Vul het aan."},
    "enterprises:import": lambda w: {
        "bestand": SimpleUploadedFile(
            "matrix.csv", b"naam;gemeente;soort;wijk\nNieuw Uit Import;GM9901;anders;Zuid\n"
        )
    },
    # pioneers
    "pioneers:apply": lambda w: {"enterprise": w.published.pk, "cohort": w.open_cohort.pk},
    "pioneers:application@draft": lambda w: {**ANSWERS, "save": ""},
    "pioneers:application@submitted": lambda w: {**ANSWERS, "save": ""},
    "pioneers:review@submitted": lambda w: {**SCORES, "comment_ambitie": "Sterk plan"},
    "pioneers:review@draft": lambda w: {**SCORES, "comment_ambitie": "Sterk plan"},
    "pioneers:review@decide": lambda w: {
        "decide": "",
        "decision": "geselecteerd",
        "message": "Welkom in het programma.",
    },
    "pioneers:reading_new": _reading,
    "pioneers:pioneer_edit": lambda w: {
        "ambition": "Een nieuwe ambitie.",
        "flywheel_type": "gebouw-kopen",
        "flywheel_plan": "Het badhuis kopen.",
        "active": "on",
    },
    "pioneers:log_new": lambda w: {
        "kind": "overleg",
        "date": "2026-01-10",
        "text": "Overleg met de gemeente.",
        "visibility": "gedeeld",
    },
    "pioneers:milestone_new": lambda w: {
        "title": "Koopakte getekend",
        "due_date": "2026-06-30",
        "status": "gepland",
    },
    "pioneers:milestone_edit": lambda w: {
        "title": "Koopakte getekend",
        "due_date": "2026-07-31",
        "status": "bezig",
    },
    "pioneers:support_new": lambda w: {
        "area": w.support_item.area_id,
        "description": "Hulp bij de taxatie",
        "hours_planned": "10",
        "hours_spent": "0",
        "status": "gepland",
    },
    "pioneers:support_edit": lambda w: {
        "area": w.support_item.area_id,
        "description": "Hulp bij de onderhandeling",
        "hours_planned": "12",
        "hours_spent": "4",
        "status": "bezig",
    },
    "pioneers:lesson_new": lambda w: {"title": "Nieuwe les", "text": "Begin bij de huurders."},
    "pioneers:element_new": lambda w: {
        "name": "Ledenbetrokkenheid",
        "low_meaning": "Passief",
        "high_meaning": "Actief",
    },
    # knowledge
    "knowledge:report_request": lambda w: {
        "name": "Nieuwe Aanvrager",
        "email": "nieuwe-aanvrager@example.org",
        "organisation": "Gemeente Matrixstad",
        "role": "gemeente",
        "consent": "on",
    },
    "knowledge:newsletter": lambda w: {"email": "nieuwe-lezer@example.org", "name": "Lezer"},
    "knowledge:advice": lambda w: {
        "name": "Beleidsadviseur",
        "email": "advies-nieuw@example.org",
        "organisation": "Gemeente Matrixstad",
        "municipality": w.municipality.pk,
        "topic": "workshop",
        "message": "Graag een workshop over wijkondernemen.",
        "consent": "on",
    },
    # monitor
    "monitor:rounds": lambda w: {
        "year": "2025",
        "deadline": (timezone.localdate() + timedelta(days=40)).isoformat(),
        "reminder_days": "14,3",
    },
    "monitor:round_correction": lambda w: {"note": "Een onderneming verbeterde haar omzet."},
    # municipalities
    "municipalities:link_request": lambda w: {
        "job_title": "Beleidsadviseur",
        "motivation": "Ik werk aan wijkeconomie.",
    },
    "municipalities:link_decide": lambda w: {"decision": "goedkeuren"},
    "monitor:report": lambda w: {"action": "generate"},
    "municipalities:follow": lambda w: {"email": "nieuwe-volger@example.org"},
}


# --- Reading the tables -----------------------------------------------------------------------


def parse(text: str) -> dict[str, tuple[str, ...]]:
    rows: dict[str, tuple[str, ...]] = {}
    for raw in text.strip().splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        key, *cells = line.split()
        assert len(cells) == len(ROLE_CODES), f"{key}: {len(cells)} cells, {len(ROLE_CODES)} roles"
        assert key not in rows, f"{key} appears twice"
        rows[key] = tuple(cells)
    return rows


def format_row(key: str, cells) -> str:
    return f"{key:<54}" + " ".join(f"{cell:<4}" for cell in cells).rstrip()


# --- The URL patterns -------------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    key: str  # namespace:name, or the full route for a pattern without a name
    route: str
    name: str | None
    params: tuple[str, ...]
    positional: int  # unnamed regex groups


def _walk(patterns, prefix: str = "", namespace: str | None = None):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            route = prefix + str(entry.pattern)
            regex = entry.pattern.regex
            yield Pattern(
                key=name or route,
                route=route,
                name=name,
                params=tuple(regex.groupindex),
                positional=regex.groups - len(regex.groupindex),
            )


def url_patterns() -> list[Pattern]:
    found = list(_walk(get_resolver().url_patterns))
    keys = [p.key for p in found]
    duplicates = {k for k in keys if keys.count(k) > 1}
    assert not duplicates, f"URL names used twice, the matrix cannot tell them apart: {duplicates}"
    return found


PATTERNS = url_patterns()
BY_KEY = {p.key: p for p in PATTERNS}


GET_ROWS = parse(EXPECTED)
POST_ROWS = parse(EXPECTED_POST)


# --- The admin: one rule for every model page -------------------------------------------------

ADMIN_KIND = re.compile(
    r"^admin:(?P<model>[a-z_]+?)_(?P<kind>changelist|add|change|delete|history)$"
)
ADMIN_REDIRECT = re.compile(r"^admin/(?P<app>\w+)/(?P<model>\w+)/<path:object_id>/$")
MODEL_ADMINS = {
    f"{model._meta.app_label}_{model._meta.model_name}": model for model in admin.site._registry
}


def admin_model(pattern: Pattern):
    """(model, kind) for a model page of the admin, None for every other pattern."""
    match = ADMIN_KIND.match(pattern.key)
    if match and match["model"] in MODEL_ADMINS:
        return MODEL_ADMINS[match["model"]], match["kind"]
    match = ADMIN_REDIRECT.match(pattern.key)
    if match:
        return MODEL_ADMINS.get(f"{match['app']}_{match['model']}"), "redirect"
    return None


def label(model) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


def parse_admin(text: str) -> dict[str, tuple[str, str]]:
    rows = {}
    for raw in text.strip().splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            model, staff, superuser = line.split()
            rows[model] = (staff.strip("-"), superuser.strip("-"))
    return rows


ADMIN = parse_admin(ADMIN_ACTIONS)

# The action each model page needs, and what it answers when allowed. The POSTs send no form
# data (the page answers with the form's errors), the delete page its confirmation.
ADMIN_PAGES = {
    # kind: (action for GET, action for POST, allowed POST)
    "changelist": ("v", "v", "200"),
    "history": ("v", "v", "200"),
    "change": ("v", "c", "200"),
    "add": ("a", "a", "200"),
    "delete": ("d", "d", "302*"),
}


def admin_row(kind: str, model: str, method: str) -> tuple[str, ...]:
    """The rule: what the admin lets staff and superusers do; everyone else the log-in page."""
    outsiders = ("AL",) * (len(ROLE_CODES) - 2)
    if kind == "redirect":  # /admin/<app>/<model>/<id>/ sends on to the change page
        return (*outsiders, "302", "302")
    get_action, post_action, post_allowed = ADMIN_PAGES[kind]
    cells = []
    for actions in ADMIN[model]:
        may = set(actions) | ({"v"} if "c" in actions else set())  # change includes view
        if method == "GET":
            cells.append("200" if get_action in may else "403")
        else:
            cells.append(post_allowed if post_action in may else "403")
    return (*outsiders, *cells)


def admin_rows(method: str) -> dict[str, tuple[str, ...]]:
    rows = {}
    for pattern in PATTERNS:
        found = admin_model(pattern)
        if found and found[0] is not None and label(found[0]) in ADMIN:
            model, kind = found
            rows[pattern.key] = admin_row(kind, label(model), method)
    return rows


ALL_GET_ROWS = {**GET_ROWS, **admin_rows("GET")}


def _post_rows() -> dict[str, tuple[str, ...]]:
    """Every pattern gets a POST row: its own, the admin rule, or 'POST is refused'."""
    rows = {**admin_rows("POST"), **POST_ROWS}
    posted = {base_of(row) for row in rows}
    for key, cells in GET_ROWS.items():
        if base_of(key) not in posted:
            rows[key] = refused_post(cells)
    return rows


def refused_post(get_cells: tuple[str, ...]) -> tuple[str, ...]:
    """A page that takes no POST: 405, after the log-in page for whoever the page sends there."""
    return tuple(cell if cell in {"L", "AL"} else "405" for cell in get_cells)


ALL_POST_ROWS = _post_rows()


# --- The world, the clients and the database snapshot -----------------------------------------


def _tables() -> dict[str, type[Model]]:
    """Every table of the project by name (many-to-many tables included), sessions aside."""
    return {
        model._meta.db_table: model
        for model in apps.get_models(include_auto_created=True)
        if model is not Session and not model._meta.proxy
    }


TABLES = _tables()


def rows_of(table: str) -> list:
    model = TABLES.get(table)
    if model is None:
        return [object()]  # a table the matrix does not know: never equal, so "changed"
    return list(model._base_manager.order_by("pk").values_list())


def snapshot() -> dict[str, list]:
    """Every row of every table: the database as the world left it."""
    return {table: rows_of(table) for table in TABLES}


class MatrixClient(Client):
    """Django's test client without what the matrix never reads: it keeps no copy of the context
    of every template rendered (that doubled the time of each page). A crash answers 500, and
    its traceback is logged."""

    def request(self, **request):
        return self.handler(self._base_environ(**request))


def session_keys(users: dict[str, User]) -> dict[str, str]:
    """Log every role in once; each request then only carries the session cookie."""
    keys = {}
    for role, user in users.items():
        client = Client()
        client.force_login(user)
        keys[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return keys


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("matrix-media")
    # Thousands of refused requests: their 403/404/405 warnings would drown a real error.
    request_log = logging.getLogger("django.request")
    level = request_log.level
    request_log.setLevel(logging.ERROR)
    with (
        django_db_blocker.unblock(),
        transaction.atomic(),
        override_settings(PASSWORD_HASHERS=FAST_HASHERS),
    ):
        built = build_world(media)
        built.session_keys = session_keys(built.users)
        built.baseline = snapshot()
        built.clients = {role: MatrixClient() for role in ROLE_CODES}
        yield built
        transaction.set_rollback(True)
    request_log.setLevel(level)


@pytest.fixture(autouse=True)
def _matrix_settings(_isolated_side_effects, settings, request):
    """The world's files stay where the world wrote them (the shared fixture gives each test a
    media folder of its own). allauth's rate limits would answer 429 to the eighth role that
    asks for a password reset: a limit, not a permission."""
    settings.ACCOUNT_RATE_LIMITS = False
    settings.PASSWORD_HASHERS = FAST_HASHERS
    if "world" in request.fixturenames:
        settings.MEDIA_ROOT = request.getfixturevalue("world").media_root


def client_for(world, role: str) -> Client:
    client = world.clients[role]
    client.cookies = SimpleCookie()
    if role != "A":
        client.cookies[settings.SESSION_COOKIE_NAME] = world.session_keys[role]
    return client


# The object an admin page shows, where the first of its kind is not the right one.
ADMIN_OBJECTS = {"accounts.user": lambda w: w.users["R"]}


def admin_path(world, pattern: Pattern, model, kind: str) -> str:
    if kind in {"changelist", "add"}:
        return reverse(pattern.name)
    pick = ADMIN_OBJECTS.get(label(model))
    obj = pick(world) if pick else model._default_manager.order_by("pk").first()
    assert obj is not None, f"the world has no {label(model)}: add one in tests/world.py"
    if kind == "redirect":
        return f"/admin/{model._meta.app_label}/{model._meta.model_name}/{obj.pk}/"
    return reverse(pattern.name, kwargs={"object_id": obj.pk})


def path_for(world, row: str) -> str:
    """The admin's model pages by their rule, every other row from the world's ``PATHS``."""
    found = admin_model(BY_KEY[base_of(row)])
    if found and found[0] is not None:
        if row not in world.paths:
            world.paths[row] = admin_path(world, BY_KEY[base_of(row)], *found)
        return world.paths[row]
    return world.path(row)


# --- Observing one cell -----------------------------------------------------------------------


def observed(response) -> str:
    status = response.status_code
    if status == 302:
        location = response["Location"]
        if location.startswith(reverse("account_login") + "?next="):
            return "L"
        if location.startswith(reverse("admin:login") + "?next="):
            return "AL"
    return str(status)


def body_text(response) -> str:
    """The body as text (a file's bytes read to the end, which also closes it)."""
    if response.streaming:
        body = b"".join(response.streaming_content)
        return "" if isinstance(response, FileResponse) else body.decode(errors="replace")
    return response.content.decode(errors="replace")


def leaks(row: str, role: str, status: str, text: str) -> list[str]:
    if status != "200":
        return []
    allowed = SHOWN_BY_DESIGN.get(base_of(row), set())
    return [
        marker
        for marker, roles in SECRETS.items()
        if role not in roles and marker not in allowed and marker in text
    ]


def post_data(world, row: str) -> dict:
    fill = POST_DATA.get(row) or POST_DATA.get(base_of(row))
    if fill:
        return fill(world)
    found = admin_model(BY_KEY[base_of(row)])
    if found and found[1] == "delete":
        return {"post": "yes"}  # "Yes, I'm sure"
    return {}


WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)


class WriteCounter:
    """The tables a request wrote to (sessions aside): only those can differ from the world,
    so only those are compared row by row."""

    def __init__(self):
        self.tables: set[str] = set()

    def __call__(self, execute, sql, params, many, context):
        match = WRITE.match(sql)
        if match and match[1] != Session._meta.db_table:
            self.tables.add(match[1])
        return execute(sql, params, many, context)

    def changed(self, baseline: dict[str, list]) -> bool:
        return any(rows_of(table) != baseline.get(table) for table in self.tables)


def request_cell(world, row: str, role: str, method: str) -> tuple[str, bool, list[str]]:
    """(observed status, whether the database changed, secrets shown) for one cell."""
    client = client_for(world, role)
    path = path_for(world, row)
    changed = False
    writes = WriteCounter()
    with transaction.atomic():
        with connection.execute_wrapper(writes):
            if method == "GET":
                response = client.get(path)
            else:
                response = client.post(path, post_data(world, row))
            text = body_text(response)  # a streamed body runs its queries now
        status = observed(response)
        shown = leaks(row, role, status, text) if method == "GET" else []
        if method == "POST" and status != "500":
            changed = writes.changed(world.baseline)
        transaction.set_rollback(True)
    return status, changed, shown


def check_row(world, row: str, expected: tuple[str, ...], method: str) -> None:
    problems, seen = [], []
    for role, cell in zip(ROLE_CODES, expected, strict=True):
        status, changed, shown = request_cell(world, row, role, method)
        seen.append(status + ("*" if changed else ""))
        want_status, want_change = cell.rstrip("*"), cell.endswith("*")
        if status != want_status:
            problems.append(f"{role} ({ROLES[role]}): expected {want_status}, got {status}")
        elif method == "POST" and changed != want_change:
            what = "changed the database" if changed else "did not change the database"
            problems.append(f"{role} ({ROLES[role]}): {what}")
        for marker in shown:
            problems.append(f"{role} ({ROLES[role]}): the page shows the secret {marker!r}")
    if problems:
        pytest.fail(
            f"{method} {path_for(world, row)}\n  "
            + "\n  ".join(problems)
            + f"\n  expected: {format_row(row, expected)}\n  observed: {format_row(row, seen)}",
            pytrace=False,
        )


# --- The tests --------------------------------------------------------------------------------


@pytest.mark.parametrize("row", list(ALL_GET_ROWS))
def test_get(world, row):
    check_row(world, row, ALL_GET_ROWS[row], "GET")


@pytest.mark.parametrize("row", list(ALL_POST_ROWS))
def test_post(world, row):
    check_row(world, row, ALL_POST_ROWS[row], "POST")


def test_every_url_pattern_is_classified(world):
    """A page that nobody classified cannot ship: the failure says which row to add."""
    todo: list[str] = []
    for pattern in PATTERNS:
        found = admin_model(pattern)
        if found:
            model = found[0]
            if model is None or label(model) not in ADMIN:
                name = label(model) if model else pattern.route
                line = (
                    f"ADMIN_ACTIONS: add a line for {name}: what staff and superusers may do "
                    "there (e.g. 'vacd  vacd', or '-' for nothing)"
                )
                if line not in todo:
                    todo.append(line)
            continue
        if any(base_of(row) == pattern.key for row in GET_ROWS):
            continue
        takes = [*pattern.params] + ["<positional>"] * pattern.positional
        if takes and pattern.key not in PATHS:
            todo.append(
                f"PATHS in tests/world.py: add {pattern.key!r}: lambda w: {{...}} for "
                f"{'/' + pattern.route} (arguments {', '.join(takes)}), then run again to see "
                "its row"
            )
            continue
        get_seen = [request_cell(world, pattern.key, role, "GET")[0] for role in ROLE_CODES]
        todo.append(
            "EXPECTED: add this row (the statuses observed now: check each is what that role "
            f"should get)\n    {format_row(pattern.key, get_seen)}"
        )
        post_seen = []
        for role in ROLE_CODES:
            status, changed, _shown = request_cell(world, pattern.key, role, "POST")
            post_seen.append(status + ("*" if changed else ""))
        if tuple(post_seen) != refused_post(tuple(get_seen)):
            todo.append(
                "EXPECTED_POST: it accepts POST; add this row (observed now with an empty form, "
                "* = changed the database; give POST_DATA a valid-looking form so that the roles "
                f"that may post change something)\n    {format_row(pattern.key, post_seen)}"
            )
    if todo:
        pytest.fail(
            "URL patterns without a row in the permission matrix:\n  " + "\n  ".join(todo),
            pytrace=False,
        )


def test_every_row_names_a_url_that_exists():
    rows = [*GET_ROWS, *POST_ROWS, *PATHS, *POST_DATA, *SHOWN_BY_DESIGN]
    stale = sorted({row for row in rows if base_of(row) not in BY_KEY})
    registered = {label(model) for model in MODEL_ADMINS.values()}
    stale += sorted(f"ADMIN_ACTIONS: {name}" for name in set(ADMIN) - registered)
    assert not stale, f"rows for URLs that no longer exist (remove them): {stale}"


def test_the_matrix_covers_every_pattern_for_get_and_post(capsys):
    covered_get = {base_of(row) for row in ALL_GET_ROWS}
    covered_post = {base_of(row) for row in ALL_POST_ROWS}
    get_cells = len(ALL_GET_ROWS) * len(ROLE_CODES)
    post_cells = len(ALL_POST_ROWS) * len(ROLE_CODES)
    with capsys.disabled():
        print(
            f"\npermission matrix: {len(PATTERNS)} URL patterns, {len(ROLE_CODES)} roles: "
            f"{len(ALL_GET_ROWS)} GET rows ({get_cells} cells) + {len(ALL_POST_ROWS)} POST rows "
            f"({post_cells} cells) = {get_cells + post_cells} cells"
        )
    missing = set(BY_KEY) - (covered_get & covered_post)
    assert not missing, f"not in the matrix (see test_every_url_pattern_is_classified): {missing}"
    without_post = set(ALL_GET_ROWS) - set(ALL_POST_ROWS)
    assert not without_post, f"GET rows of pages that take POST need a POST row: {without_post}"


def test_every_secret_is_on_a_page_that_a_role_allowed_to_see_it_opens(world):
    """Otherwise a misspelt marker would make the search for leaks prove nothing."""
    unproven = set(SECRETS) ^ set(SECRETS_SHOWN)
    assert not unproven, f"SECRETS and SECRETS_SHOWN must name the same markers: {unproven}"
    missing = []
    for marker, (row, role) in SECRETS_SHOWN.items():
        assert role in SECRETS[marker], f"{marker}: {role} may not see it"
        with transaction.atomic():
            response = client_for(world, role).get(path_for(world, row))
            if marker not in body_text(response):
                missing.append(f"{marker!r} is not on {row} for {role}")
            transaction.set_rollback(True)
    assert not missing, missing
