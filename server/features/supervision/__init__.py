"""Supervision: what market supervision and the agriculture bureau open every week.

Services (plain async functions taking a ServiceContext; every one checks
`require_supervision` first):

    compliance.py    the plan's 100 % rule: newly green-food-certified enterprises
                     registered on a traceability platform (self-reported and verified)
    progress.py      every target of the county file, measured from the data, with status
    breakdown.py     revenue and counts by place and by industry; the place ranking
    figures.py       the enterprises behind a figure (drill-down lists)
    manual.py        figures no report can measure, entered by supervision (TargetEntry)
    submissions.py   monthly report submission: rate per month and place, late and missing
    expiring.py      certificates expiring within CERT_EXPIRY_WARN_DAYS
    milk.py          raw-milk quality compliance (models/rules/milk.py)
    complaints.py    the consumer complaints queue
    certimport.py    the official certificate list import (.xlsx / .csv)
    dashboard.py     the queue counts on the supervision home

Toolkit: window.py (year / since-until parsing), sql.py (reporting SQL that runs on
SQLite and PostgreSQL), xlsx.py (spreadsheets), charts.py (server-drawn SVG).
HTTP: api.py (JSON under /api/v1), pages.py (WeUI pages), exports.py (one workbook per
list, shared by pages and API).
"""
