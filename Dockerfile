# The production image: one image, three roles (see docker-compose.yml):
#   web    - gunicorn serving plain HTTP through WSGI (fast path, no thread hand-offs)
#   ws     - daphne serving the websockets through ASGI (Django Channels)
#   worker - manage.py worker: background tasks queued in PostgreSQL
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

# Pango and HarfBuzz for WeasyPrint (the session brief's PDF).
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 10001 app
WORKDIR /app

# Dependencies first (cached layer): the pinned set from requirements.lock.
COPY pyproject.toml requirements.lock ./
RUN python -c 'import tomllib; print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"]))' > /tmp/deps.txt \
 && pip install -c requirements.lock -r /tmp/deps.txt

COPY . .
# Static files are collected at build time and served by whitenoise with
# hashed names. The throwaway values below exist only for this build step.
RUN DJANGO_ENV=production \
    SECRET_KEY=build-only-not-a-secret-build-only-not-a-secret-build-only \
    FIELD_ENCRYPTION_KEYS=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= \
    VAPID_PRIVATE_KEY=AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE \
    ALLOWED_HOSTS=build.invalid \
    python manage.py collectstatic --noinput

USER app
EXPOSE 8000 8001
CMD ["gunicorn", "config.wsgi:application", "--config", "deploy/gunicorn.conf.py"]
