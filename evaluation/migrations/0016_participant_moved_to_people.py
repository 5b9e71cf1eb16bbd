# Participant moved to the people app (people/migrations/0001_initial.py): the model leaves
# this app's state; its table (evaluation_participant) stays and belongs to people now.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('evaluation', '0015_member_opinion_optional'),
        ('people', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='Participant')],
            database_operations=[],
        ),
    ]
