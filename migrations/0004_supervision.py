"""Supervision (issue 5): a covering index for the yearly figures and submission rates.

Depends on 0001 only; the reporting and trace branches add 0002 and 0003.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0001_initial')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='MonthlyReport',
            index=Index(fields=['period', 'status', 'enterprise_id', 'output_unit', 'revenue', 'output_value', 'output_quantity', 'submitted_at'], name='ix_report_facts'),
        ),
    ]
