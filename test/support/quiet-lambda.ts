/** Import first in tests of the functions: Powertools reads these when the handlers' modules load. */
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
