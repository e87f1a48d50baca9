# Airdate in a container: slim Python, non-root, data in a volume, health from /healthz.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    AIRDATE_HOST=0.0.0.0 \
    AIRDATE_PORT=8080 \
    AIRDATE_DATABASE_URL=sqlite:////data/airdate.sqlite3 \
    AIRDATE_DEMO_DATABASE_URL=sqlite:////data/airdate-demo.sqlite3 \
    AIRDATE_STORAGE_PATH=/data/nicegui

RUN useradd --create-home --uid 10001 airdate && mkdir /data && chown airdate /data
WORKDIR /app
COPY pyproject.toml README.md ./
COPY *.py ./
COPY settings ./settings
COPY composition ./composition
COPY data ./data
COPY live ./live
COPY api ./api
COPY ui ./ui
COPY services ./services
COPY standins ./standins
COPY demo ./demo
RUN pip install ".[demo]"

USER airdate
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4)"]
CMD ["python", "main.py"]
