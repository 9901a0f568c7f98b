FROM python:3.11-slim
WORKDIR /app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
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
# No fonts are installed: the reader's browser draws the Chinese text with its own fonts.
RUN python -m stations.i18n compile
RUN useradd --create-home app && chown -R app /app
USER app
EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4).status == 200 else 1)"
CMD ["streamlit", "run", "app.py", "--server.address=0.0.0.0", "--server.port=8501", "--server.headless=true"]
