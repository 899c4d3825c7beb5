"""The reporting API for online platforms at ``/ispws/``, wire-compatible with the
national CyberTipline Reporting API: ``views`` (the seven endpoints), ``xml`` (the one
hardened parser and the response documents), ``schema.xsd`` (served at ``/ispws/xsd``)
and ``documents`` (reading a validated document into ``tipline.intake``'s terms)."""
