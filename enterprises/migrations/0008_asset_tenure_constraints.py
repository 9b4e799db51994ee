"""The rules of building and ground tenure, once every asset follows them (0007)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [("enterprises", "0007_building_and_ground_tenure_data")]

    operations = [
        migrations.AddConstraint(
            model_name='asset',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind', 'grond'), _negated=True), models.Q(('tenure', ''), models.Q(('ground_tenure', ''), _negated=True)), _connector='OR'), name='asset_land_has_ground_tenure_only'),
        ),
        migrations.AddConstraint(
            model_name='asset',
            constraint=models.CheckConstraint(condition=models.Q(('kind', 'grond'), models.Q(('tenure', ''), _negated=True), _connector='OR'), name='asset_property_has_tenure'),
        ),
        migrations.AddConstraint(
            model_name='asset',
            constraint=models.CheckConstraint(condition=models.Q(('kind', 'grond'), ('ground_tenure', ''), ('tenure', 'eigendom'), _connector='OR'), name='asset_ground_only_under_owned_property'),
        ),
        migrations.AddConstraint(
            model_name='asset',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind', 'gebouw'), ('tenure', 'eigendom'), _negated=True), models.Q(('ground_tenure', ''), _negated=True), _connector='OR'), name='asset_owned_building_has_ground_tenure'),
        ),
    ]
