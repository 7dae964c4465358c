"""Accuracy against gold data: quotes, sources and sentiment, every data path an argument.

One module per stage evaluated (``quotes``, ``sources``, ``sentiment``); nothing here
finds data on its own: callers (tests, notebooks, ``newsroom-workbook evaluate``) pass
the paths of the files in ``../shared`` or of their own gold.
"""
