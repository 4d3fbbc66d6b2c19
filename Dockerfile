# One image for every process of the platform: web (the default command), Celery worker and
# beat; compose.yaml picks the command. Production settings; all secrets come at run time.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=edubotics.settings.production

WORKDIR /app
# Dependencies first, so a code change does not reinstall them (every pin has a wheel).
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
# Static files are collected into the image (served by WhiteNoise). The production settings
# need the real services' settings, which a build does not have; the shared base settings
# collect the same files into the same place.
RUN DJANGO_SETTINGS_MODULE=edubotics.settings.base SECRET_KEY=collectstatic-at-build \
    python manage.py collectstatic --noinput

# Not root: the code and static files stay read-only to the user that serves them; var/ is
# where beat keeps its schedule, var/media where the worker writes data exports for the web.
RUN useradd --uid 10001 --no-create-home --shell /usr/sbin/nologin edubotics \
    && mkdir -p var/media && chown -R edubotics var
USER edubotics

EXPOSE 8000
CMD ["sh", "-c", "exec gunicorn edubotics.wsgi --bind 0.0.0.0:8000 --workers ${WEB_CONCURRENCY:-2} --access-logfile -"]
