"""Code the bench scripts share (``smoke``: what their ``--smoke`` runs use; ``workers``: worker processes
sharing the cores); not a bench itself.

Every script directly in ``bench/`` is a bench and ends with one JSON line of its
headline figures; this folder holds none.
"""
