"""Issue 3 (reporting): remember when a monthly report was first submitted.

Lateness is judged by the first submission, not by a resubmission after a return.
Reports submitted before this migration get their submission time as the first one.
"""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [('models', '0001_initial')]

    initial = False

    operations = [
        ops.AddField(
            model_name='MonthlyReport',
            name='first_submitted_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.RunSQL(
            "UPDATE monthly_report SET first_submitted_at = submitted_at "
            "WHERE submitted_at IS NOT NULL AND first_submitted_at IS NULL",
            reverse_sql="",
        ),
    ]
