#!/usr/bin/env node
/*
 * extract-oh-suite.js — list the opening_hours values of opening_hours.js's
 * own test suite (test/test.js of github.com/opening-hours/opening_hours.js,
 * LGPL-3.0-only), for tests/oracle/hours-oracle.js.
 *
 *   node scripts/extract-oh-suite.js test.js [more.js ...] > tests/oracle/data/opening-hours-test-suite.txt
 *
 * Each input is test/test.js itself or excerpts of it holding its
 * `test.addTest(...)`, `test.addShouldWarn(...)`, `test.addShouldFail(...)`…
 * calls verbatim. The calls are evaluated in a sandbox where `test` only
 * collects the values (first array or string argument after the name), so
 * values built with the file's suffix constants come out as the reference
 * sees them. Prints one value a line, de-duplicated, in order of first
 * appearance; values with a line break (only '\n' itself, a "should fail"
 * case) cannot be written one a line and are left out.
 */
'use strict';

const fs = require('fs');
const vm = require('vm');

// Constants the suite's values are built with, as test/test.js defines them.
const PREAMBLE = `
const sane_value_suffix = '; 00:01-00:02 closed "warning at correct position?"';
const value_suffix = '; 00:23-00:42 unknown "warning at correct position?"';
const value_suffix_to_disable_time_not_used = ' 12:00-15:00';
const value_perfectly_valid = [
    'Mo-Fr 12:00-18:00; We off; Sa,PH 12:00-17:00; Th[3],Th[-1] off',
    'open; Tu-Su 08:30-09:00 off; Tu-Su,PH 14:00-14:30 off; Mo 08:00-13:00 off',
];
const isOddWeekStart = '01';
`;

function body(text) {
    // A whole test.js: keep the calls between the first test and the run.
    const first = text.indexOf('test.addTest(');
    const run = text.indexOf('process.exit(test.run()');
    if (first < 0) return text;
    let part = text.slice(first, run < 0 ? undefined : run);
    // Constants test.js defines between the calls are re-declared by PREAMBLE.
    part = part.replace(/^const isOddWeekStart = .*$/m, '');
    return part;
}

const values = [];
const seen = new Set();
const collect = (...args) => {
    const v = args[1];
    for (const item of Array.isArray(v) ? v : [v]) {
        const value = Array.isArray(item) ? item[0] : item; // ignored(value, reason)
        if (typeof value !== 'string' || value.includes('\n') || seen.has(value)) continue;
        seen.add(value);
        values.push(value);
    }
};
const test = new Proxy({}, { get: () => collect });
const anything = new Proxy(function () {}, { get: () => anything, apply: () => anything });
const sandbox = {
    test,
    ignored: (value, reason) => [value, reason],
    nominatim_default: {},
    nominatim_by_loc: anything,
    nominatim_sunrise_below: {},
    nominatim_no_valid_address: {},
    EXPECTED_OPEN_END_MESSAGE: '',
    timekeeper: anything,
    timekeeperTime: new Date(0),
    Date,
};

const source = process.argv.slice(2).map((file) => body(fs.readFileSync(file, 'utf8'))).join('\n');
vm.runInNewContext(PREAMBLE + source, sandbox);
process.stdout.write(values.map((v) => v + '\n').join(''));
