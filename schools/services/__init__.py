"""Every write to the tenant. Keyword-only functions named ``<entity>_<action>``."""
