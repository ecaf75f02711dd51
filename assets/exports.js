/* AG Grid's CSV export neutralises formula cells the way dashboard/exports.py does: the prefixes and the quote
   come from Python (dashboard.exports.grid_csv_params), so the rule is written once. */
window.dashAgGridFunctions = window.dashAgGridFunctions || {};
window.dashAgGridFunctions.kpiSafeCell = function (params, prefixes, quote) {
    var value = params.value;
    if (typeof value === "string" && value.length > 0 && prefixes.indexOf(value.charAt(0)) >= 0) {
        return quote + value;
    }
    return value;
};
