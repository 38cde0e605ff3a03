"""Vietnamese is the interface language unless the user picked another one.

Django's LocaleMiddleware follows the browser's Accept-Language, so a tablet bought with an English
system would show English. Here the choice is the language cookie set by the visible switch in the top
bar, and otherwise settings.LANGUAGE_CODE (vi).
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class DefaultLanguageMiddleware(LocaleMiddleware):
    def process_request(self, request):
        supported = {code for code, _name in settings.LANGUAGES}
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in supported:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
