"""Project templates shipped with kedro_ipy (package data, read by ``kedro-ipy new``)."""
