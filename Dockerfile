# One image for every PRS app: the monolith by default, a microservice by
# overriding the module, e.g. `gunicorn --config python:prs.gunicorn_conf
# microservices.add_selection:app` (the Helm charts set the command this way).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN groupadd --system --gid 10001 prs \
    && useradd --system --uid 10001 --gid prs --no-create-home --home-dir /app prs

WORKDIR /app

# Dependencies first, so that a code change reuses this layer.
COPY requirements.txt constraints.txt ./
RUN pip install -c constraints.txt -r requirements.txt

COPY pyproject.toml ./
COPY prs ./prs
COPY monolith ./monolith
COPY microservices ./microservices
COPY scripts/prslab ./scripts/prslab
RUN pip install --no-deps .

USER 10001:10001
ENV HOST=0.0.0.0 \
    PORT=8000 \
    PRS_ENV=production
EXPOSE 8000

CMD ["gunicorn", "--config", "python:prs.gunicorn_conf", "monolith.wsgi:app"]
