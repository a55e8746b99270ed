"""Plotly figures: ``JSONDataset`` stores a figure, ``PlotlyDataset`` draws one from a DataFrame
with ``plotly.express`` first (the chart is described in the catalog), ``HTMLDataset`` writes a
figure as a web page."""

from __future__ import annotations

from typing import IO, Any, NoReturn

from kedro_ipy.io.core import DatasetError, Version
from kedro_ipy.io.datasets._file import AbstractFileDataset

__all__ = ["HTMLDataset", "JSONDataset", "PlotlyDataset"]


class JSONDataset(AbstractFileDataset):
    """A plotly figure saved with ``write_json`` and loaded back as a ``plotly`` Figure.

    Takes ``filepath``, ``load_args`` (to ``plotly.io.from_json``), ``save_args`` (to
    ``write_json``, e.g. ``pretty``), ``version``, ``credentials``, ``fs_args`` and
    ``metadata`` like every file dataset.
    """

    REQUIRES: tuple[tuple[str, str], ...] = (("plotly", "plotly"),)
    _binary = False

    def _read(self, handle: IO[Any]) -> Any:
        import plotly.io as pio  # type: ignore[import-untyped]

        return pio.from_json(handle.read(), **self._load_args)

    def _write(self, handle: IO[Any], data: Any) -> None:
        figure = self._figure(data)
        figure.write_json(handle, **self._save_args)

    def _figure(self, data: Any) -> Any:
        if callable(getattr(data, "write_json", None)):
            return data
        if isinstance(data, dict) and ("data" in data or "layout" in data):
            import plotly.graph_objects as go  # type: ignore[import-untyped]

            return go.Figure(data)  # a figure as a dict, e.g. ``fig.to_dict()``
        raise TypeError(
            f"{type(self).__name__} saves plotly figures (or their dict form), not "
            f"{type(data).__name__}."
        )


class PlotlyDataset(JSONDataset):
    """Draws a chart from a DataFrame with ``plotly.express`` and saves it as plotly JSON.

    ``plotly_args`` describes the chart: ``type`` is the ``plotly.express`` function (``bar``,
    ``scatter``, ``line``, ...), ``fig`` its arguments (``x``, ``y``, ``color``, ...) and
    ``layout`` what goes to ``update_layout`` (``title``, ``xaxis_title``, ...). Saving a
    ready-made figure stores it as it is. Loading gives the figure.

    Takes ``filepath``, ``plotly_args``, ``load_args``, ``save_args``, ``version``,
    ``credentials``, ``fs_args`` and ``metadata``.
    """

    REQUIRES = (("plotly", "plotly"), ("pandas", "plotly"))
    _DESCRIBED = ("filepath", "protocol", "load_args", "save_args", "version")

    def __init__(
        self,
        *,
        filepath: str,
        plotly_args: dict[str, Any],
        load_args: dict[str, Any] | None = None,
        save_args: dict[str, Any] | None = None,
        version: Version | None = None,
        credentials: dict[str, Any] | None = None,
        fs_args: dict[str, Any] | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        if not isinstance(plotly_args, dict) or not isinstance(plotly_args.get("type"), str):
            raise DatasetError(
                "PlotlyDataset 'plotly_args' must be a mapping with 'type' (a plotly.express "
                "function such as 'bar' or 'scatter'), and optionally 'fig' (its arguments) "
                f"and 'layout'; got {plotly_args!r}."
            )
        unknown = set(plotly_args) - {"type", "fig", "layout"}
        if unknown:
            raise DatasetError(
                f"PlotlyDataset 'plotly_args' has unknown keys {sorted(unknown)}: it takes "
                "'type', 'fig' and 'layout'."
            )
        self._plotly_args = plotly_args
        super().__init__(
            filepath=filepath, load_args=load_args, save_args=save_args, version=version,
            credentials=credentials, fs_args=fs_args, metadata=metadata,
        )

    def _figure(self, data: Any) -> Any:
        if callable(getattr(data, "write_json", None)):
            return data
        import plotly.express as px  # type: ignore[import-untyped]

        kind = self._plotly_args["type"]
        draw = getattr(px, kind, None)
        if not callable(draw) or kind.startswith("_"):
            from kedro_ipy.utils import did_you_mean

            choices = [n for n in dir(px) if not n.startswith("_") and callable(getattr(px, n))]
            raise DatasetError(
                f"PlotlyDataset plotly_args 'type' {kind!r} is not a plotly.express chart "
                f"function.{did_you_mean(kind, choices)}"
            )
        figure = draw(data, **(self._plotly_args.get("fig") or {}))
        figure.update_layout(self._plotly_args.get("layout") or {})
        return figure

    def _describe(self) -> dict[str, Any]:
        return {**super()._describe(), "plotly_args": self._plotly_args}


class HTMLDataset(AbstractFileDataset):
    """A plotly figure written as a stand-alone HTML page with ``write_html``; write-only.

    Takes ``filepath``, ``save_args`` (to ``write_html``: ``include_plotlyjs``,
    ``full_html``, ...), ``version``, ``credentials``, ``fs_args`` and ``metadata``.
    """

    REQUIRES = (("plotly", "plotly"),)
    _DESCRIBED = ("filepath", "protocol", "save_args", "version")
    _binary = False

    def __init__(
        self,
        *,
        filepath: str,
        save_args: dict[str, Any] | None = None,
        version: Version | None = None,
        credentials: dict[str, Any] | None = None,
        fs_args: dict[str, Any] | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(
            filepath=filepath, save_args=save_args, version=version, credentials=credentials,
            fs_args=fs_args, metadata=metadata,
        )

    def _load(self) -> NoReturn:
        raise DatasetError(f"Loading not supported for '{type(self).__name__}'.")

    def _write(self, handle: IO[Any], data: Any) -> None:
        if not callable(getattr(data, "write_html", None)):
            raise TypeError(f"HTMLDataset saves plotly figures, not {type(data).__name__}.")
        data.write_html(handle, **self._save_args)
