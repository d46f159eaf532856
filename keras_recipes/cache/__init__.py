"""Bottleneck feature caching (seeds 001/003): extract once, train the head many times.

* ``FeatureCache``: fingerprinted, sharded, checksummed feature cache with
  ``extract`` / ``dataset`` / ``info`` / ``clear``.
* ``train_head_on_cache``: freeze -> cache -> train the head, in one call.
* ``encoder_fingerprint``: the digest that invalidates a cache when one
  weight changes.
"""

from keras_recipes.cache.feature_cache import CachedFeatures, FeatureCache, default_cache_dir
from keras_recipes.cache.fingerprint import encoder_fingerprint
from keras_recipes.cache.shards import CorruptShardError
from keras_recipes.cache.train import train_head_on_cache

__all__ = ["CachedFeatures", "CorruptShardError", "FeatureCache", "default_cache_dir",
           "encoder_fingerprint", "train_head_on_cache"]
