"""A WSGI app answering the URL scheme gunicorn gave it (tests/test_deploy_files.py)."""


def application(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [environ["wsgi.url_scheme"].encode()]
