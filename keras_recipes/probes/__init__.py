"""Per-stage linear probes (building block, one floor down): how much a frozen stage already knows.

A linear classifier trained on each stage's pooled activations, used by
several themes (transfer, representation, label-efficient recipes). Filled
by issue 13; empty for now.
"""
