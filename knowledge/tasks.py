"""Tasks of the knowledge base: the case-description PDFs (thin: the runner does the work)."""

from lsa_portal.pdf_jobs import declare_tasks

from . import case_pdf

# case_pdf.RUNNER hands jobs to ``knowledge.tasks.render_case_pdf``.
render_case_pdf, sweep_pdf_jobs = declare_tasks(
    case_pdf.RUNNER,
    render="knowledge.render_case_pdf",
    sweep="knowledge.sweep_pdf_jobs",
    time_limit=180,
    soft_time_limit=150,
)
