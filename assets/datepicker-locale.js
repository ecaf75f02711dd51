/* The Chinese calendar of the date pickers. Dash 4's DatePickerRange/DatePickerSingle format their calendar
   with date-fns and take its locales from window.dateFns.locale (dashboard/callbacks.py sets it from the
   URL's language). This is the part of date-fns' zh-CN locale the calendar uses: month and weekday names,
   numbers as they are, week starting on Monday. */
(function () {
    var months = ["1月", "2月", "3月", "4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月", "12月"];
    var days = {
        narrow: ["日", "一", "二", "三", "四", "五", "六"],
        short: ["日", "一", "二", "三", "四", "五", "六"],
        abbreviated: ["周日", "周一", "周二", "周三", "周四", "周五", "周六"],
        wide: ["星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"]
    };
    function pick(list) {
        return function (i) { return list[i]; };
    }
    function none() { return null; }
    var zh = {
        code: "zh-CN",
        localize: {
            ordinalNumber: function (n) { return String(n); },
            era: function (i) { return ["公元前", "公元"][i]; },
            quarter: function (q) { return "第" + q + "季度"; },
            month: pick(months),
            day: function (i, opts) { return (days[(opts && opts.width) || "wide"] || days.wide)[i]; },
            dayPeriod: function (p) { return p === "am" ? "上午" : p === "pm" ? "下午" : p; }
        },
        formatLong: {
            date: function () { return "y年M月d日"; },
            time: function () { return "HH:mm:ss"; },
            dateTime: function () { return "{{date}} {{time}}"; }
        },
        formatDistance: function (token, count) { return String(count); },
        formatRelative: function () { return "P"; },
        match: {
            ordinalNumber: none, era: none, quarter: none, month: none, day: none, dayPeriod: none
        },
        options: { weekStartsOn: 1, firstWeekContainsDate: 4 }
    };
    window.kpiDateLocales = { zh: zh };
    window.dateFns = window.dateFns || {};
    if (!/[?&]lang=en(&|$)/.test(window.location.search)) {
        window.dateFns.locale = { zhCN: zh };
    }
})();
