"""Supervision (issue 5): covering indexes for the yearly figures and the submission rates.

Follows 0002_reporting (the branches were developed side by side and merged in order).
"""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0002_reporting')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='MonthlyReport',
            index=Index(fields=['enterprise_id', 'period', 'status', 'output_unit', 'revenue', 'output_value', 'output_quantity'], name='ix_report_facts'),
        ),
        ops.AddIndex(
            model_name='MonthlyReport',
            index=Index(fields=['period', 'status', 'enterprise_id', 'submitted_at'], name='ix_report_submitted'),
        ),
    ]
