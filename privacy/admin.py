"""The operator writes the legal pages here."""

from django.contrib import admin

from .models import LegalPage


@admin.register(LegalPage)
class LegalPageAdmin(admin.ModelAdmin):
    list_display = ["kind", "language", "title", "updated_at"]
    list_filter = ["kind", "language"]
