/* The IIN rule of birtizim.engine.iin, for the inspector's phone: checked as it is typed, offline.
 *
 * d1-d6 birth date YYMMDD; d7 century and sex (1/2 = 1800s male/female, 3/4 = 1900s, 5/6 = 2000s);
 * d8-d11 serial; d12 check digit. The check digit: c = sum(d_i * i, i = 1..11) mod 11; if c is 10,
 * c = sum(d_i * w_i) mod 11 with w = 3,4,5,6,7,8,9,10,11,1,2; if still 10 the number is never
 * issued. tests/web/test_fares_iin_js.py runs this file and engine.iin on the same list of IINs.
 */
(function (root) {
  "use strict";
  var WEIGHTS_1 = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  var WEIGHTS_2 = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];
  var CENTURY_SEX = { 1: [1800, "M"], 2: [1800, "F"], 3: [1900, "M"], 4: [1900, "F"], 5: [2000, "M"], 6: [2000, "F"] };

  function checkDigit(first11) {
    var digits = first11.split("").map(Number);
    var c = 0, i;
    for (i = 0; i < 11; i++) c += digits[i] * WEIGHTS_1[i];
    c %= 11;
    if (c === 10) {
      c = 0;
      for (i = 0; i < 11; i++) c += digits[i] * WEIGHTS_2[i];
      c %= 11;
    }
    return c === 10 ? null : c;
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  /* {valid, reason, birthDate ("YYYY-MM-DD"), sex ("M"/"F")}; reason is one of
   * "length", "century", "date", "never_issued", "check_digit" when the number is not valid. */
  function check(value) {
    var out = { valid: false, reason: "", birthDate: null, sex: null };
    if (typeof value !== "string" || !/^[0-9]{12}$/.test(value)) { out.reason = "length"; return out; }
    var cs = CENTURY_SEX[Number(value.charAt(6))];
    if (!cs) { out.reason = "century"; return out; }
    var year = cs[0] + Number(value.slice(0, 2));
    var month = Number(value.slice(2, 4));
    var day = Number(value.slice(4, 6));
    var date = new Date(Date.UTC(year, month - 1, day));
    if (month < 1 || month > 12 || day < 1 || date.getUTCFullYear() !== year ||
        date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
      out.reason = "date"; return out;
    }
    var expected = checkDigit(value.slice(0, 11));
    if (expected === null) { out.reason = "never_issued"; return out; }
    if (expected !== Number(value.charAt(11))) { out.reason = "check_digit"; return out; }
    out.valid = true;
    out.birthDate = year + "-" + pad(month) + "-" + pad(day);
    out.sex = cs[1];
    return out;
  }

  root.BirtizimIIN = { check: check, checkDigit: checkDigit };
})(typeof self !== "undefined" ? self : this);
