# Two images from one file:
#   docker build -t station-tracker .                  the app (a replica: `python -m stations serve`)
#   docker build --target proxy -t station-proxy .     nginx, with the frontend files it serves from disk
FROM python:3.11-slim AS app
WORKDIR /app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
# CJK fonts: the server draws the PNG downloads (the map of a view, the timeline) in the reader's
# language, Chinese with Noto Sans CJK SC or TC (stations/view/fonts.py); without them those
# images fall back to English. The page itself needs none: the browser draws it with its fonts.
RUN apt-get update \
  && apt-get install -y --no-install-recommends fonts-noto-cjk \
  && rm -rf /var/lib/apt/lists/*
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY app.py ./
COPY pages ./pages
COPY stations ./stations
COPY data ./data
COPY static ./static
COPY .streamlit ./.streamlit
# An invalid data file cannot ship: the build fails with the validator's file:line problems.
RUN python -m stations validate
# The interface's translations: compiled from the catalogs in git (.mo files are not committed).
RUN python -m stations.i18n compile
RUN useradd --create-home app && chown -R app /app
USER app
# matplotlib's list of the system's fonts (with the CJK ones), written once here rather than by
# the first image a replica draws.
RUN python -c "import matplotlib.font_manager"
# 8501: the app; 8601: the health probes (/livez /readyz /status), never published.
EXPOSE 8501 8601
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8601/livez', timeout=4).status == 200 else 1)"
# The same command as `make run` (stations/web/serve.py); every other option is in .streamlit/config.toml.
CMD ["python", "-m", "stations", "serve", "--address", "0.0.0.0", "--port", "8501", "--health-port", "8601"]

# Streamlit's frontend (the installed package's static/ files, content-hashed names) and the
# map's own static/ files, copied where nginx serves them from disk (deploy/nginx_conf.py).
FROM app AS frontend
USER root
RUN cp -r "$(python -c 'import os, streamlit; print(os.path.dirname(streamlit.__file__))')/static" /srv/streamlit-static \
  && cp -rL /app/static /srv/app-static

FROM nginx:1.27-alpine AS proxy
COPY --from=frontend /srv/streamlit-static /srv/streamlit-static
COPY --from=frontend /srv/app-static /srv/app-static
COPY docs/screenshot.png /srv/preview/screenshot.png
COPY deploy/nginx.conf /etc/nginx/nginx.conf
