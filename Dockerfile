# The project image: workers, web app, codec endpoint and CLI (docker-compose.yml runs it as
# `klyngepakke worker`, `klyngepakke render-worker`, `klyngepakke web` and `klyngepakke codec`).
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
# LibreOffice turns the handouts and the practice sheet into PDF (as the tests do); Debian's
# python3-uno lets the render worker keep one running (unoserver) instead of one per PDF;
# Carlito has Calibri's metrics (the templates' font), so a PDF keeps the document's layout.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libreoffice-impress-nogui \
       libreoffice-writer-nogui libreoffice-calc-nogui python3-uno poppler-utils fonts-dejavu fonts-crosextra-carlito \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY schemas schemas
COPY workflows workflows
COPY activities activities
COPY renderers renderers
COPY catalog catalog
COPY klyngepakke klyngepakke
COPY web web
COPY storage storage
COPY client client
COPY worker.py ./
RUN pip install --no-cache-dir . && useradd --create-home klyngepakke \
    && mkdir -p /data && chown klyngepakke /data
USER klyngepakke
ENV KLYNGEPAKKE_VAR_DIR=/data KLYNGEPAKKE_LOG_FORMAT=json
CMD ["klyngepakke", "worker"]
