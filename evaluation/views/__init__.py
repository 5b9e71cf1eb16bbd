"""The evaluation app's pages, one module per subject: ``cycles`` (start page, やること,
cycles and phase moves), ``records`` (a 施策's year and its entries), ``projects`` (事業),
``sheet`` (the 評価表's outputs and import), ``dashboard`` and ``indicators`` (参考指標)."""
