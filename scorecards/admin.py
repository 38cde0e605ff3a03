from django.contrib import admin

from scorecards.models import Criterion, PublishedPeriod, ScorecardModel, ScorecardSnapshot


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0


@admin.register(ScorecardModel)
class ScorecardModelAdmin(admin.ModelAdmin):
    list_display = ("year", "name", "excellent_min", "good_min", "satisfactory_min", "updated_at")
    inlines = [CriterionInline]
    raw_id_fields = ("updated_by",)


@admin.register(Criterion)
class CriterionAdmin(admin.ModelAdmin):
    list_display = ("key", "scorecard_model", "pillar", "formula", "weight", "target")
    list_filter = ("pillar", "scorecard_model")


@admin.register(PublishedPeriod)
class PublishedPeriodAdmin(admin.ModelAdmin):
    list_display = ("period", "start", "end", "published_at", "published_by")
    raw_id_fields = ("published_by",)

    def has_change_permission(self, request, obj=None):
        return False  # a publication is frozen


@admin.register(ScorecardSnapshot)
class ScorecardSnapshotAdmin(admin.ModelAdmin):
    list_display = ("publication", "unit", "total", "band", "rank", "rank_of")
    list_filter = ("publication", "band")
    raw_id_fields = ("unit",)
    list_select_related = ("publication", "unit")

    def has_change_permission(self, request, obj=None):
        return False  # published figures never change
