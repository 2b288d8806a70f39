"""The impact report for anyone: a page with charts and their words, a CSV, and a PDF to print.
It shows sums only, nothing about any person."""
import csv
import io

from flask import Blueprint, current_app, render_template, request, url_for

from pantry import charts
from pantry.extensions import db
from pantry.impact import printing
from pantry.impact.report import COLUMNS, line, report_for, version
from pantry.pages import rendered_pages
from pantry.tags.posters import UnknownPaper

bp = Blueprint("impact", __name__, template_folder="templates")


@bp.get("/impact", defaults={"slug": None})
@bp.get("/sites/<slug>/impact")
def page(slug):
    report = report_for(db.session, slug, request.args)
    return rendered_pages().page(version(db.session), lambda: _page(report))


@bp.get("/impact.csv", defaults={"slug": None})
@bp.get("/sites/<slug>/impact.csv")
def table(slug):
    report = report_for(db.session, slug, request.args)
    buffer = io.StringIO()
    out = csv.writer(buffer)
    out.writerow(COLUMNS)
    out.writerows(line(name or "network", figures, report.within) for name, figures in report.rows)
    return _download(buffer.getvalue(), "text/csv", report, "csv")


@bp.get("/impact.pdf", defaults={"slug": None})
@bp.get("/sites/<slug>/impact.pdf")
def printable(slug):
    paper = request.args.get("paper", "a4")
    if paper not in printing.PAPERS:
        raise UnknownPaper()
    report = report_for(db.session, slug, request.args)
    pdf = rendered_pages().page(version(db.session), lambda: printing.pdf(printing.report_lines(report), paper))
    return _download(pdf, "application/pdf", report, "pdf", inline=True)


def _page(report):
    asked = {"from": report.within.first, "to": report.within.last}
    if report.site:
        asked["slug"] = report.site.slug
    links = {"a4": url_for("impact.printable", paper="a4", **asked),
             "letter": url_for("impact.printable", paper="letter", **asked), "csv": url_for("impact.table", **asked)}
    return render_template("impact/report.html", report=report, shares=charts.shares, links=links,
                           figure_words=printing.figure_words, report_days=printing.days)


def _download(body, mimetype, report, extension, inline=False):
    response = current_app.response_class(body, mimetype=mimetype)
    name = f"impact-{report.site.slug if report.site else 'network'}-{report.within.first}-{report.within.last}"
    response.headers["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{name}.{extension}"'
    return response
