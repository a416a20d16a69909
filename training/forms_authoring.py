"""The organisers' authoring forms: a module, a lesson, a lesson image, the module quiz. Every
message is on its field, in the person's language; a form with an error saves nothing."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from quizzes.models import Topic
from training.models import Lesson, LessonImage, Module
from training.services import slug_from

_SLUG_HELP = _("The end of the page's address (letters, digits, dashes). Left empty, it is made from the title.")
_SLUG_INVALID = _("Use only unaccented letters, digits and dashes, e.g. nghi-quyet-76.")


class ModuleForm(forms.ModelForm):
    class Meta:
        model = Module
        fields = ["title", "slug", "summary", "audience", "estimated_minutes", "order"]
        labels = {"order": _("Position in the list of modules"), "slug": _("Page address")}
        error_messages = {
            "title": {"required": _("Enter the module's title."),
                      "max_length": _("The title can be at most 200 characters long.")},
            "slug": {"invalid": _SLUG_INVALID},
            "estimated_minutes": {"invalid": _("Enter a whole number of minutes."),
                                  "min_value": _("Enter a whole number of minutes.")},
            "order": {"invalid": _("Enter a whole number, 0 or more.")},
        }
        widgets = {"summary": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.fields["slug"].help_text = _SLUG_HELP
        self.fields["estimated_minutes"].widget.attrs.update({"min": 1, "inputmode": "numeric"})

    def clean_estimated_minutes(self) -> int:
        minutes = self.cleaned_data["estimated_minutes"]
        if minutes is not None and minutes < 1:
            raise forms.ValidationError(_("Enter a whole number of minutes."))
        return minutes

    def clean_slug(self) -> str:
        slug = self.cleaned_data.get("slug") or ""
        if slug and Module.objects.filter(slug=slug).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Another module already has this address. Choose another one."))
        return slug

    def clean(self) -> dict:
        cleaned = super().clean()
        if not cleaned.get("slug") and cleaned.get("title") and "slug" not in self.errors:
            cleaned["slug"] = slug_from(cleaned["title"], Module.objects.exclude(pk=self.instance.pk))
        return cleaned


class LessonForm(forms.ModelForm):
    # The preview buttons post the form without saving it (training.views.authoring).
    video_url = forms.URLField(
        label=_("Video link"), required=False, assume_scheme="https",
        help_text=_("A YouTube, Facebook or other address; learners see it as a link to open the video."),
        error_messages={"invalid": _("Enter a full web address, e.g. https://www.youtube.com/watch?v=…")},
    )

    class Meta:
        model = Lesson
        fields = ["title", "slug", "body", "sources", "video_url", "attachment"]
        labels = {"slug": _("Page address")}
        error_messages = {
            "title": {"required": _("Enter the lesson's title."),
                      "max_length": _("The title can be at most 200 characters long.")},
            "slug": {"invalid": _SLUG_INVALID},
            "body": {"required": _("Write the lesson's text.")},
        }
        help_texts = {
            "body": _("Markdown: ## heading, **bold**, *italic*, - list, [text](https://…). "
                      "HTML is shown as text, never run."),
            "sources": _("The legal texts and documents the lesson is based on."),
            "attachment": _("A PDF that learners can download."),
        }
        widgets = {"body": forms.Textarea(attrs={"rows": 14}), "sources": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.fields["slug"].help_text = _SLUG_HELP
        self.fields["attachment"].widget.attrs["accept"] = "application/pdf,.pdf"

    def clean_video_url(self) -> str:
        url = self.cleaned_data.get("video_url") or ""
        if url and not url.lower().startswith(("https://", "http://")):
            raise forms.ValidationError(_("Enter a full web address, e.g. https://www.youtube.com/watch?v=…"))
        return url

    def clean_slug(self) -> str:
        slug = self.cleaned_data.get("slug") or ""
        module = self.instance.module
        if slug and module.lessons.filter(slug=slug).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Another lesson of this module already has this address."))
        return slug

    def clean(self) -> dict:
        cleaned = super().clean()
        if not cleaned.get("slug") and cleaned.get("title") and "slug" not in self.errors:
            others = self.instance.module.lessons.exclude(pk=self.instance.pk)
            cleaned["slug"] = slug_from(cleaned["title"], others)
        return cleaned


class LessonImageForm(forms.ModelForm):
    class Meta:
        model = LessonImage
        fields = ["file", "alt_text"]
        error_messages = {
            "file": {"required": _("Choose an image file."), "invalid": _("Choose an image file.")},
            "alt_text": {"required": _("Describe what the image shows (for people who cannot see it)."),
                         "max_length": _("The description can be at most 300 characters long.")},
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = "image/png,image/jpeg,image/webp,image/gif"


class ModuleQuizForm(forms.Form):
    """The module quiz: pass mark, time, attempts, and how many questions to draw from each topic
    (with the live number of published questions the bank holds for the module's audience)."""

    pass_mark_percent = forms.IntegerField(
        label=_("Pass mark (% correct)"), min_value=1, max_value=100, initial=70,
        error_messages={"required": _("Enter the pass mark."),
                        "invalid": _("Enter a whole number from 1 to 100."),
                        "min_value": _("Enter a whole number from 1 to 100."),
                        "max_value": _("Enter a whole number from 1 to 100.")},
    )
    time_limit_minutes = forms.IntegerField(
        label=_("Time limit (minutes)"), min_value=1, max_value=240, initial=15,
        error_messages={"required": _("Enter the time limit."),
                        "invalid": _("Enter a whole number of minutes from 1 to 240."),
                        "min_value": _("Enter a whole number of minutes from 1 to 240."),
                        "max_value": _("Enter a whole number of minutes from 1 to 240.")},
    )
    attempts_allowed = forms.IntegerField(
        label=_("Attempts allowed"), min_value=1, max_value=99, required=False, initial=3,
        help_text=_("Empty means unlimited."),
        error_messages={"invalid": _("Enter a whole number from 1 to 99, or leave it empty."),
                        "min_value": _("Enter a whole number from 1 to 99, or leave it empty."),
                        "max_value": _("Enter a whole number from 1 to 99, or leave it empty.")},
    )

    def __init__(self, *args, topics: list[Topic], sizes: dict[int, int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.topics = topics
        for topic in topics:
            available = sizes.get(topic.pk, 0)
            self.fields[self.field_name(topic)] = forms.IntegerField(
                label=topic.name, min_value=0, max_value=500, required=False, initial=0,
                help_text=_("%(count)d published question(s) available") % {"count": available},
                error_messages={"invalid": _("Enter a whole number, 0 or more."),
                                "min_value": _("Enter a whole number, 0 or more."),
                                "max_value": _("Enter a whole number, 0 or more.")},
                widget=forms.NumberInput(attrs={"min": 0, "max": available, "inputmode": "numeric"}),
            )

    @staticmethod
    def field_name(topic: Topic) -> str:
        return f"topic_{topic.pk}"

    def topic_fields(self):
        return [self[self.field_name(topic)] for topic in self.topics]

    def counts(self) -> dict[Topic, int]:
        return {topic: self.cleaned_data.get(self.field_name(topic)) or 0 for topic in self.topics}


class ConfirmForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Yes, remove it"), error_messages={"required": _("Tick the box to confirm.")},
    )
