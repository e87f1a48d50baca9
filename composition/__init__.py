"""The parts :func:`application.create_app` composes Airdate from, one module each (the order of
composition stays in ``application.py``)."""
