"""An app's models and DAO with mistakes ``sqlstore check`` must find."""
