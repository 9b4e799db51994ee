"""Case descriptions as PDF: what goes in, reuse, failures, the sweep, and who may download."""

import re
from datetime import date, timedelta
from io import BytesIO

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from pypdf import PdfReader

from enterprises.models import EnterpriseStatus
from knowledge import case_pdf
from knowledge.models import CaseDescription, PdfJob
from lsa_portal import pdf_jobs
from lsa_portal.pdf import PDF_BASE_URL, local_path, render_document
from lsa_portal.pdf_jobs import MAX_ATTEMPTS, PdfJobStatus, TransientError
from pioneers import selectors as pioneer_selectors
from pioneers.models import (
    Element,
    Milestone,
    MilestoneStatus,
    Pioneer,
    Reading,
    ReadingValue,
    Visibility,
)
from tests.factories import (
    AssetFactory,
    CaseDescriptionFactory,
    EnterpriseFactory,
    MilestoneFactory,
    MunicipalOfficerFactory,
    PioneerFactory,
    StaffFactory,
    UserFactory,
    YearFiguresFactory,
    make_reading,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def case():
    enterprise = EnterpriseFactory(name="Buurtbedrijf Het Proefhuis", neighbourhood="De Proefwijk")
    YearFiguresFactory(
        enterprise=enterprise,
        year=2024,
        income_sales=61_500,
        income_rent=0,
        income_subsidies=38_500,
        expenses=90_000,
        volunteers=37,
    )
    AssetFactory(enterprise=enterprise, name="Het oude badhuis")
    return CaseDescriptionFactory(
        title="Het Proefhuis koopt het badhuis",
        enterprise=enterprise,
        body="## Aanleiding\n\nDe buurt wilde het badhuis behouden.",
    )


def pdf_text(job: PdfJob) -> tuple[PdfReader, str]:
    with job.file.open("rb") as handle:
        reader = PdfReader(BytesIO(handle.read()))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def page_texts(job: PdfJob) -> list[str]:
    """The text of each page, its white space (line ends included) folded to single spaces."""
    reader, _ = pdf_text(job)
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def generate(case, by, capture):
    with capture(execute=True):
        job = case_pdf.request_pdf(case, by=by)
    job.refresh_from_db()
    return job


def test_staff_generate_a_tagged_pdf_with_the_profile_figures_and_text(
    case, django_capture_on_commit_callbacks
):
    job = generate(case, StaffFactory(), django_capture_on_commit_callbacks)
    assert job.status == PdfJobStatus.DONE
    assert job.attempts == 1 and job.pages >= 3 and job.size_bytes > 1000
    reader, text = pdf_text(job)
    assert reader.metadata.title == "Het Proefhuis koopt het badhuis"
    assert reader.trailer["/Root"]["/Lang"] == "nl"
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    for expected in (
        "Buurtbedrijf Het Proefhuis",
        "De Proefwijk",
        "Het oude badhuis",
        "100.000",
        "61,5%",
        "De buurt wilde het badhuis behouden",
        "versie 1",
    ):
        assert expected in text, expected
    case.refresh_from_db()
    assert case.pdf.name == job.file.name


def test_the_address_of_a_drafts_pdf_cannot_be_guessed(case, django_capture_on_commit_callbacks):
    """Should the media folder ever be served as it is, the slug and the job's number must not
    be enough to find a draft's PDF."""
    case.status = "concept"
    case.save()
    job = generate(case, StaffFactory(), django_capture_on_commit_callbacks)
    guessable = f"casussen/pdf/casus-{case.slug}-v1-{job.pk}.pdf"
    assert job.file.name != guessable
    assert re.fullmatch(rf"casussen/pdf/[0-9a-f]{{32}}/casus-{job.pk}-v1\.pdf", job.file.name)
    # a job handed out again writes to the same address, so there is still one file
    assert case_pdf._file_name(job) == job.file.name


def test_the_same_content_reuses_the_file_and_a_change_makes_a_new_version(
    case, django_capture_on_commit_callbacks
):
    staff = StaffFactory()
    first = generate(case, staff, django_capture_on_commit_callbacks)
    again = generate(case, staff, django_capture_on_commit_callbacks)
    assert again.pk == first.pk
    assert PdfJob.objects.count() == 1
    case.body += "\n\n## Nieuw\n\nEen extra alinea."
    case.save()
    second = generate(case, staff, django_capture_on_commit_callbacks)
    assert second.pk != first.pk and second.version == 2
    assert "Een extra alinea." in pdf_text(second)[1]


def test_a_concept_enterprise_and_its_figures_stay_out_of_the_pdf(
    django_capture_on_commit_callbacks,
):
    hidden = EnterpriseFactory(name="Nog Geheim Initiatief", status=EnterpriseStatus.CONCEPT)
    YearFiguresFactory(enterprise=hidden, income_sales=77_777)
    case = CaseDescriptionFactory(enterprise=hidden, subject_name="")
    text = pdf_text(generate(case, StaffFactory(), django_capture_on_commit_callbacks))[1]
    assert "Nog Geheim Initiatief" not in text
    assert "77.777" not in text


def test_a_failing_render_ends_as_failed_with_a_readable_error(
    case, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(html):
        raise ValueError("the layout engine gave up on table 3")

    monkeypatch.setattr(pdf_jobs, "render_document", broken)
    job = generate(case, StaffFactory(), django_capture_on_commit_callbacks)
    assert job.status == PdfJobStatus.FAILED
    assert job.error == "De pdf kon niet worden gemaakt: the layout engine gave up on table 3"
    assert not job.file


def test_a_passing_disk_problem_is_retried_then_gives_up(case, monkeypatch):
    def disk_full(html):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pdf_jobs, "render_document", disk_full)
    job = PdfJob.objects.create(case=case, input_hash="x")
    with pytest.raises(TransientError):
        case_pdf.render_job(job.pk)
    job.refresh_from_db()
    assert job.status == PdfJobStatus.QUEUED and job.attempts == 1
    for _ in range(MAX_ATTEMPTS - 1):
        with pytest.raises(TransientError):
            case_pdf.render_job(job.pk)
    job.refresh_from_db()
    assert job.status == PdfJobStatus.FAILED
    assert "No space left on device" in job.error


def test_with_the_broker_down_the_job_waits_and_the_sweep_finishes_it(
    case, monkeypatch, django_capture_on_commit_callbacks
):
    from knowledge.tasks import render_case_pdf

    original = render_case_pdf.apply_async

    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("Error 111 connecting to 127.0.0.1:6379")

    monkeypatch.setattr(render_case_pdf, "apply_async", broker_down)
    job = generate(case, StaffFactory(), django_capture_on_commit_callbacks)
    assert job.status == PdfJobStatus.QUEUED and job.enqueued_at is None

    monkeypatch.setattr(render_case_pdf, "apply_async", original)
    assert case_pdf.sweep() == 1
    job.refresh_from_db()
    assert job.status == PdfJobStatus.DONE
    assert case_pdf.sweep() == 0


def test_rendering_twice_leaves_one_file(case, settings):
    job = PdfJob.objects.create(case=case, input_hash="x")
    case_pdf.render_job(job.pk)
    PdfJob.objects.filter(pk=job.pk).update(status=PdfJobStatus.RENDERING)  # as if redelivered
    case_pdf.render_job(job.pk)
    files = list((settings.MEDIA_ROOT / "casussen" / "pdf").rglob("*.pdf"))
    assert len(files) == 1


def test_a_case_with_the_longest_slug_still_gets_its_pdf(django_capture_on_commit_callbacks):
    # The stored name must fit the file fields (100 characters) whatever the title.
    long = CaseDescriptionFactory(title="W" * 200, slug="w" * 200)
    job = generate(long, StaffFactory(), django_capture_on_commit_callbacks)
    assert job.status == PdfJobStatus.DONE, job.error
    long.refresh_from_db()
    assert long.pdf.name == job.file.name


def test_only_staff_can_generate_or_follow_a_job(client, case):
    url = reverse("knowledge:case_pdf_generate", kwargs={"slug": case.slug})
    for user in (None, UserFactory()):
        if user:
            client.force_login(user)
        assert client.post(url).status_code == 404
    assert not PdfJob.objects.exists()
    job = PdfJob.objects.create(case=case, input_hash="x")
    assert client.get(reverse("knowledge:pdf_job_status", kwargs={"pk": job.pk})).status_code == 404


def test_the_case_page_shows_the_job_and_polls_while_it_runs(client, case):
    client.force_login(StaffFactory())
    job = PdfJob.objects.create(case=case, input_hash="x", version=3)
    html = client.get(reverse("knowledge:case", kwargs={"slug": case.slug})).content.decode()
    assert "Versie 3 wacht op een verwerker." in html
    assert 'hx-trigger="every 2s"' in html
    assert "/static/django_htmx/htmx-2.min.js" in html
    PdfJob.objects.filter(pk=job.pk).update(status=PdfJobStatus.FAILED, error="Kapot.")
    fragment = client.get(
        reverse("knowledge:pdf_job_status", kwargs={"pk": job.pk}), HTTP_HX_REQUEST="true"
    )
    assert "Kapot." in fragment.content.decode()
    assert "hx-trigger" not in fragment.content.decode()


def test_anyone_downloads_the_pdf_of_a_published_case_with_a_good_file_name(
    client, case, django_capture_on_commit_callbacks
):
    generate(case, StaffFactory(), django_capture_on_commit_callbacks)
    response = client.get(reverse("knowledge:case_pdf", kwargs={"slug": case.slug}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="casus-{case.slug}.pdf"'
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    page = client.get(reverse("knowledge:case", kwargs={"slug": case.slug})).content.decode()
    assert reverse("knowledge:case_pdf", kwargs={"slug": case.slug}) in page


def test_the_pdf_of_a_draft_case_is_not_public(client, django_capture_on_commit_callbacks):
    draft = CaseDescriptionFactory(status="concept", published_at=None)
    staff = StaffFactory()
    job = generate(draft, staff, django_capture_on_commit_callbacks)
    assert client.get(reverse("knowledge:case_pdf", kwargs={"slug": draft.slug})).status_code == 404
    version = reverse("knowledge:case_pdf_version", kwargs={"slug": draft.slug, "pk": job.pk})
    assert client.get(version).status_code == 404
    client.force_login(staff)
    assert client.get(version).status_code == 200


def test_outside_references_in_a_case_text_are_not_fetched(
    monkeypatch, django_capture_on_commit_callbacks
):
    from lsa_portal.pdf import PortalURLFetcher

    asked = []
    original = PortalURLFetcher.fetch

    def spy(self, url, headers=None):
        asked.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(PortalURLFetcher, "fetch", spy)
    case = CaseDescriptionFactory(
        body='![logo](https://example.org/spy.png)\n\n<img src="file:///etc/passwd">\n\nTekst.'
    )
    job = generate(case, StaffFactory(), django_capture_on_commit_callbacks)
    assert job.status == PdfJobStatus.DONE
    assert "root:x:0:0" not in pdf_text(job)[1]
    # The spy saw the stylesheet, so it was listening; the stylesheet was all it was asked for,
    # and that is the portal's own (the sanitizer already drops the images; the fetcher would
    # refuse them: tests/portal).
    assert asked, "the renderer fetched nothing, not even its stylesheet"
    assert asked == [f"{PDF_BASE_URL}{settings.STATIC_URL.lstrip('/')}css/pdf.css"], asked
    assert all(local_path(url) is not None for url in asked), asked
    assert CaseDescription.objects.get(pk=case.pk).pdf


def test_a_pioneers_pdf_holds_its_plan_mengpaneel_milestones_and_published_lessons_only(
    django_capture_on_commit_callbacks,
):
    from tests.factories import LessonFactory, LogEntryFactory

    pioneer = PioneerFactory(
        ambition="Het badhuis wordt van de buurt.", show_ambition_publicly=True
    )
    make_reading(pioneer, taken_on=date(2024, 1, 15), position=20)
    make_reading(pioneer, taken_on=date(2025, 6, 1), position=60)
    MilestoneFactory(pioneer=pioneer, title="Koopakte getekend", status="behaald")
    MilestoneFactory(pioneer=pioneer, title="Nog lang niet klaar", status="gepland")
    LessonFactory(
        pioneer=pioneer, title="Openbare les", published=True, published_at=timezone.now()
    )
    LessonFactory(pioneer=pioneer, title="Interne les", published=False)
    secret = "Vertrouwelijk gesprek met de wethouder"
    LogEntryFactory(pioneer=pioneer, text=secret, visibility=Visibility.INTERNAL)
    case = CaseDescriptionFactory(enterprise=pioneer.enterprise)
    text = " ".join(
        pdf_text(generate(case, StaffFactory(), django_capture_on_commit_callbacks))[1].split()
    )
    for expected in (
        "Het badhuis wordt van de buurt.",
        "Het mengpaneel",
        "15 januari 2024",
        "1 juni 2025",
        "Koopakte getekend",
        "Openbare les",
    ):
        assert expected in text, expected
    for hidden in ("Nog lang niet klaar", "Interne les", "Vertrouwelijk gesprek"):
        assert hidden not in text, hidden


def test_staff_generate_the_pdfs_of_a_whole_cohort_and_follow_their_progress(
    client, django_capture_on_commit_callbacks
):
    from tests.factories import CohortFactory

    cohort = CohortFactory()
    with_case = PioneerFactory(cohort=cohort)
    CaseDescriptionFactory(enterprise=with_case.enterprise, title="Bestaande casus")
    without_case = PioneerFactory(cohort=cohort)
    url = reverse("knowledge:cohort_pdfs", kwargs={"slug": cohort.slug})
    client.force_login(UserFactory())
    assert client.post(url).status_code == 404
    client.force_login(StaffFactory())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    assert PdfJob.objects.filter(status=PdfJobStatus.DONE).count() == 2
    draft = CaseDescription.objects.get(enterprise=without_case.enterprise)
    assert draft.status == "concept"
    html = client.get(url).content.decode()
    assert "2 van 2 pdf’s klaar" in html
    assert "hx-trigger" not in html  # nothing left to follow
    assert "Bestaande casus" in html


# --- The reading order, the mengpaneel in one table, long tables across pages ---------------------


def _first_page_with(pages: list[str], text: str) -> int:
    return next(number for number, page in enumerate(pages, start=1) if text in page)


def test_the_story_comes_right_after_the_cover_and_the_evidence_after_it(
    django_capture_on_commit_callbacks,
):
    pioneer = PioneerFactory(enterprise=EnterpriseFactory(name="Buurtbedrijf Het Proefhuis"))
    YearFiguresFactory(enterprise=pioneer.enterprise, year=2024)
    make_reading(pioneer, taken_on=date(2024, 1, 15), position=20)
    make_reading(pioneer, taken_on=date(2025, 6, 1), position=60)
    MilestoneFactory(pioneer=pioneer, title="Koopakte getekend", status=MilestoneStatus.ACHIEVED)
    case = CaseDescriptionFactory(
        enterprise=pioneer.enterprise,
        body="## Aanleiding\n\nDe buurt wilde het badhuis behouden.\n\n## Lessen\n\nBegin vroeg.",
    )
    job = generate(case, StaffFactory(), django_capture_on_commit_callbacks)
    pages = page_texts(job)

    story = _first_page_with(pages, "De buurt wilde het badhuis behouden")
    evidence = _first_page_with(pages, "De feiten achter het verhaal")
    figures = _first_page_with(pages, "Omzetmix 2024")
    mengpaneel = _first_page_with(pages, "Het mengpaneel")
    milestones = _first_page_with(pages, "Koopakte getekend")
    assert story == 2, "the story starts on the page after the cover"
    assert story < evidence <= figures <= mengpaneel <= milestones
    # The cover says where each part starts, in that order.
    assert re.search(
        rf"Het verhaal[ .]+{story} Wat het verhaal onderbouwt[ .]+{evidence} "
        rf"Profiel[ .]+{evidence} Inkomsten en mensen[ .]+{figures} "
        rf"In het WijkBV-programma[ .]+\d+",
        pages[0],
    ), pages[0]
    # The case's own headings are parts of the story in the PDF's outline.
    reader, _ = pdf_text(job)
    outline = [item.title if not isinstance(item, list) else item for item in reader.outline[1]]
    assert outline[0] == "Het verhaal"
    assert [item.title for item in outline[1]] == ["Aanleiding", "Lessen"]
    assert outline[2] == "Wat het verhaal onderbouwt"


POSITION = r"(\d+|–)"
CHANGE = r"([+\u2212]\d+|0|–)"


def _position(value: int | None) -> str:
    return "–" if value is None else str(value)


def test_the_mengpaneel_is_one_table_of_the_start_now_and_the_change(
    django_capture_on_commit_callbacks,
):
    pioneer = PioneerFactory()
    ownership, say, assets, *others = pioneer_selectors.elements_for(pioneer)
    own_fund = Element.objects.create(
        name="Eigen buurtfonds",
        slug="eigen-buurtfonds",
        low_meaning="Geen fonds",
        high_meaning="Een fonds dat de wijk zelf vult",
        pioneer=pioneer,
    )

    def reading(on: date, positions: dict) -> None:
        taken = Reading.objects.create(pioneer=pioneer, taken_on=on)
        ReadingValue.objects.bulk_create(
            ReadingValue(reading=taken, element=element, position=position)
            for element, position in positions.items()
        )

    reading(date(2024, 1, 15), {ownership: 20, say: 50, assets: 40})
    reading(date(2024, 9, 1), {ownership: 90, say: 10, own_fund: 5})  # in between: not shown
    reading(date(2025, 6, 1), {ownership: 35, say: 45, assets: 40, own_fund: 30})

    table = case_pdf.mengpaneel_table(pioneer, pioneer_selectors.elements_for(pioneer))
    assert (table.first_on, table.latest_on) == (date(2024, 1, 15), date(2025, 6, 1))
    expected = {
        ownership.name: (20, 35, 15, "+15"),
        say.name: (50, 45, -5, "\u22125"),
        assets.name: (40, 40, 0, "0"),
        own_fund.name: (None, 30, None, "–"),  # added later: nothing to compare with
        **{element.name: (None, None, None, "–") for element in others},
    }
    assert {
        row.element.name: (row.start, row.now, row.change, row.change_text) for row in table.rows
    } == expected
    assert [row.element for row in table.rows][-1] == own_fund  # the pioneer's own comes last

    case = CaseDescriptionFactory(enterprise=pioneer.enterprise)
    text = " ".join(
        pdf_text(generate(case, StaffFactory(), django_capture_on_commit_callbacks))[1].split()
    )
    assert "Element Start 15 jan 2024 Nu 1 jun 2025 Verschil" in text
    assert "eerste meting op 15 januari 2024 en bij de laatste op 1 juni 2025" in text
    for name, (start, now, _change, change_text) in expected.items():
        assert text.count(name) == 1, f"{name} once: one table, no fader desks"
        # the name, what 0 and 100 mean, then the row's three cells
        row = re.search(rf"{re.escape(name)} 0 = .*? {POSITION} {POSITION} {CHANGE}(?: |$)", text)
        assert row, name
        assert row.groups() == (_position(start), _position(now), change_text), name


def test_with_one_reading_the_mengpaneel_shows_the_start_and_says_there_is_no_change_yet(
    django_capture_on_commit_callbacks,
):
    pioneer = PioneerFactory()
    make_reading(pioneer, taken_on=date(2024, 1, 15), position=35)
    case = CaseDescriptionFactory(enterprise=pioneer.enterprise)
    text = " ".join(
        pdf_text(generate(case, StaffFactory(), django_capture_on_commit_callbacks))[1].split()
    )
    assert "bij de enige meting tot nu toe, op 15 januari 2024" in text
    assert "Element Start 15 jan 2024 Eigenaarschap" in text
    assert "Verschil" not in text and " Nu " not in text


def test_the_pdf_reads_its_data_in_the_same_number_of_queries_however_much_there_is():
    def queries_for(readings: int, extra_elements: int, milestones: int) -> int:
        pioneer: Pioneer = PioneerFactory.create()
        YearFiguresFactory(enterprise=pioneer.enterprise, year=2023)
        YearFiguresFactory(enterprise=pioneer.enterprise, year=2024)
        for number in range(extra_elements):
            Element.objects.create(
                name=f"Eigen {number}", slug=f"eigen-{number}", low_meaning="laag",
                high_meaning="hoog", pioneer=pioneer,
            )  # fmt: skip
        for number in range(readings):
            make_reading(pioneer, taken_on=date(2024, 1, 1) + timedelta(days=30 * number))
        MilestoneFactory.create_batch(milestones, pioneer=pioneer, status=MilestoneStatus.ACHIEVED)
        case: CaseDescription = CaseDescriptionFactory.create(enterprise=pioneer.enterprise)
        with CaptureQueriesContext(connection) as queries:
            case_pdf.case_context(case)
        return len(queries)

    assert queries_for(readings=2, extra_elements=0, milestones=1) == queries_for(
        readings=9, extra_elements=4, milestones=12
    )


# Four lines in its column: long enough that, left to itself, a page break could fall inside it.
LONG_TITLE = (
    "Stap {:02d}: de buurt praat mee over de verbouwing van het badhuis, de tuin ernaast, de "
    "zalen voor verhuur, de werkplaats voor jongeren en het dak waar de zonnepanelen van de "
    "energiecoöperatie op komen"
)


def _table_pages(pages: list[str], rows: list[str]) -> dict[int, list[str]]:
    """The pages that hold rows of a table, with the rows each holds whole."""
    held = {}
    for number, page in enumerate(pages, start=1):
        whole = [row for row in rows if row in page]
        if whole:
            held[number] = whole
    return held


def _assert_the_table_breaks_well(
    pages: list[str], rows: list[str], header: str = "Mijlpaal Behaald op"
) -> dict[int, list[str]]:
    """Every row whole on one page, every page of the table with its header and 2 rows or more."""
    held = _table_pages(pages, rows)
    # A row cut in two (even one whose date went ahead without its title) is whole on no page.
    assert [row for rows_on_page in held.values() for row in rows_on_page] == rows
    for number, rows_on_page in held.items():
        assert len(rows_on_page) >= 2, f"page {number} holds a lone row: {rows_on_page}"
        assert header in pages[number - 1], f"page {number} lacks the header"
    return held


def test_a_long_table_keeps_its_header_on_every_page_and_never_leaves_a_row_alone(
    django_capture_on_commit_callbacks,
):
    pioneer = PioneerFactory()
    make_reading(pioneer, taken_on=date(2024, 1, 15), position=30)
    make_reading(pioneer, taken_on=date(2025, 6, 1), position=45)
    for number in range(1, 41):
        # most rows four lines high (room for a break inside them), every fourth one line
        title = LONG_TITLE.format(number) if number % 4 else f"Stap {number:02d}: gesprek"
        MilestoneFactory(
            pioneer=pioneer, title=title, status=MilestoneStatus.ACHIEVED,
            achieved_on=date(2024, 2, 1) + timedelta(days=7 * number),
        )  # fmt: skip
    with translation.override("nl"):
        rows = [
            f"{milestone.title} {date_format(milestone.achieved_on, 'j F Y')}"
            for milestone in Milestone.objects.filter(pioneer=pioneer).order_by("achieved_on")
        ]
    case = CaseDescriptionFactory(enterprise=pioneer.enterprise)
    staff = StaffFactory()
    held = _assert_the_table_breaks_well(
        page_texts(generate(case, staff, django_capture_on_commit_callbacks)), rows
    )
    assert len(held) >= 3, "the test needs a table that runs over several pages"

    # The same table one row longer than what fits on its first page: left to itself, that last
    # row would stand alone on the next page.
    fits = len(held[min(held)])
    achieved = Milestone.objects.filter(pioneer=pioneer).order_by("achieved_on")
    Milestone.objects.filter(
        pk__in=list(achieved.values_list("pk", flat=True)[fits + 1 :])
    ).delete()
    held = _assert_the_table_breaks_well(
        page_texts(generate(case, staff, django_capture_on_commit_callbacks)), rows[: fits + 1]
    )
    assert len(held) == 2


def _rendered_pages(case) -> list[str]:
    """The case's PDF as the worker prints it, page by page (without a job, for speed)."""
    html = case_pdf.stamped(case_pdf.case_html(case), 1, timezone.localdate())
    reader = PdfReader(BytesIO(render_document(html).content))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def test_a_table_at_the_foot_of_a_page_takes_its_caption_and_two_rows_along_or_moves_on():
    pioneer = PioneerFactory(show_ambition_publicly=True)
    make_reading(pioneer, taken_on=date(2024, 1, 15), position=30)
    make_reading(pioneer, taken_on=date(2025, 6, 1), position=45)
    rows = [
        f"{element.name} 0 = {element.low_meaning} · 100 = {element.high_meaning} 30 45 +15"
        for element in pioneer_selectors.elements_for(pioneer)
    ]
    case = CaseDescriptionFactory(enterprise=pioneer.enterprise)
    first_pages = set()
    # The ambition above the mengpaneel grows a paragraph at a time, so that the table starts
    # ever lower until it crosses the foot of the page: at some of these heights a page would
    # otherwise end in its caption alone, or in its caption, header and first row.
    for paragraphs in range(1, 9):
        pioneer.ambition = "\n\n".join(["Een alinea over de ambitie."] * paragraphs)
        pioneer.save()
        pages = _rendered_pages(case)
        held = _assert_the_table_breaks_well(
            pages, rows, header="Element Start 15 jan 2024 Nu 1 jun 2025 Verschil"
        )
        caption = [n for n, page in enumerate(pages, 1) if "Waar elk schuifje stond" in page]
        assert caption == [min(held)], f"{paragraphs}: the caption apart from its rows"
        first_pages.add(min(held))
    assert len(first_pages) == 2, "the sweep must carry the table across the foot of a page"


def test_under_a_long_title_the_footer_keeps_the_page_number_and_the_date_whole(
    django_capture_on_commit_callbacks,
):
    case = CaseDescriptionFactory(
        title="Buurtbedrijf De Kaap wint het groenonderhoud van de drie parken in de wijk",
        body="## Aanleiding\n\nBewoners ergerden zich aan de plantsoenen.",
    )
    reader, _ = pdf_text(generate(case, StaffFactory(), django_capture_on_commit_callbacks))
    total = len(reader.pages)
    for number, page in enumerate(reader.pages[1:], start=2):  # the cover has no footer
        text = page.extract_text()
        assert f"{number} / {total}" in text, text
        assert re.search(r"versie 1 · \d{1,2} \w+ \d{4}", text), text


def _done_job(case, version: int) -> PdfJob:
    """A finished job with a file of its own (no rendering: this is about who gets which)."""
    from django.core.files.base import ContentFile

    job = PdfJob(case=case, version=version, status=PdfJobStatus.DONE, input_hash=f"v{version}")
    job.file.save(
        f"{case.slug}-v{version}.pdf",
        ContentFile(f"%PDF-{case.slug}-v{version}".encode()),
        save=False,
    )
    job.save()
    return job


@pytest.fixture
def versions():
    """A published case with two done versions and a failed one, a draft case with a version,
    and another published case with its own."""
    public = CaseDescriptionFactory(slug="open-casus")
    draft = CaseDescriptionFactory(slug="concept-casus", status="concept", published_at=None)
    other = CaseDescriptionFactory(slug="andere-casus")
    return {
        "old": _done_job(public, 1),
        "latest": _done_job(public, 2),
        "failed": PdfJob.objects.create(
            case=public, version=3, status=PdfJobStatus.FAILED, input_hash="v3", error="Kapot."
        ),
        "draft": _done_job(draft, 1),
        "other": _done_job(other, 1),
    }


ROLES = {
    "anonymous": lambda: None,
    "resident": UserFactory,
    "officer": MunicipalOfficerFactory,
    "staff": StaffFactory,
    "superuser": lambda: UserFactory(is_staff=True, is_superuser=True),
}
# What a version URL of the published case gives each role: the bytes of that version, or 404.
PUBLIC_CASE_VERSIONS = {
    "anonymous": {"old": 404, "latest": "latest", "failed": 404, "other": 404, "none": 404},
    "resident": {"old": 404, "latest": "latest", "failed": 404, "other": 404, "none": 404},
    "officer": {"old": 404, "latest": "latest", "failed": 404, "other": 404, "none": 404},
    "staff": {"old": "old", "latest": "latest", "failed": 404, "other": 404, "none": 404},
    "superuser": {"old": "old", "latest": "latest", "failed": 404, "other": 404, "none": 404},
}


@pytest.mark.parametrize("role", ROLES)
def test_a_version_url_serves_that_version_to_whoever_may_see_it_and_404_otherwise(
    client, versions, role
):
    user = ROLES[role]()
    if user is not None:
        client.force_login(user)
    missing = max(job.pk for job in versions.values()) + 100
    for name, expected in PUBLIC_CASE_VERSIONS[role].items():
        pk = missing if name == "none" else versions[name].pk
        url = reverse("knowledge:case_pdf_version", kwargs={"slug": "open-casus", "pk": pk})
        response = client.get(url)
        if expected == 404:
            assert response.status_code == 404, (role, name)
        else:
            assert response.status_code == 200, (role, name)
            body = b"".join(response.streaming_content)
            assert body == f"%PDF-open-casus-v{versions[expected].version}".encode(), (role, name)
    # A draft case's version: staff only; its number under a published case's slug: nobody.
    draft_url = reverse(
        "knowledge:case_pdf_version", kwargs={"slug": "concept-casus", "pk": versions["draft"].pk}
    )
    assert client.get(draft_url).status_code == (200 if role in {"staff", "superuser"} else 404)
    assert (
        client.get(
            reverse(
                "knowledge:case_pdf_version",
                kwargs={"slug": "open-casus", "pk": versions["draft"].pk},
            )
        ).status_code
        == 404
    )
    # The case's own PDF address still gives everyone its latest version.
    latest = client.get(reverse("knowledge:case_pdf", kwargs={"slug": "open-casus"}))
    assert b"".join(latest.streaming_content) == b"%PDF-open-casus-v2"
