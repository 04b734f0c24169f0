# The project image: worker and CLI (docker-compose.yml runs it as `klyngepakke worker`).
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY schemas schemas
COPY workflows workflows
COPY activities activities
COPY renderers renderers
COPY catalog catalog
COPY klyngepakke klyngepakke
COPY worker.py ./
RUN pip install --no-cache-dir . && useradd --create-home klyngepakke \
    && mkdir -p /data && chown klyngepakke /data
USER klyngepakke
ENV KLYNGEPAKKE_VAR_DIR=/data KLYNGEPAKKE_LOG_FORMAT=json
CMD ["klyngepakke", "worker"]
