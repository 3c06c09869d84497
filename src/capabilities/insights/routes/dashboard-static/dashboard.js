/* global document, window, fetch, FormData, URLSearchParams -- browser globals: this file runs in the page. */
// Kring insights dashboard. Plain browser JavaScript, no build step: it reads the page's labels (already
// in the manager's language), fetches the numbers from api/data with the chosen filters and draws them
// with Chart.js (window.Chart, the library's UMD build). No text is ever built from member input but
// names the server sent, and those go in through textContent only.
(function () {
  'use strict';

  var L = JSON.parse(document.getElementById('labels').textContent);
  var P = L.page;
  var fmt = new Intl.NumberFormat(L.locale);
  var charts = {};
  var palette = ['#2f6fde', '#19a974', '#f29d38', '#9b59b6', '#e04f5f', '#5b6475', '#17a2b8', '#c9a227'];
  var form = document.getElementById('filters');

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }

  function option(select, value, text, selected) {
    var o = el('option', text);
    o.value = value;
    if (selected) o.selected = true;
    select.appendChild(o);
  }

  document.querySelectorAll('[data-label]').forEach(function (node) {
    var text = P[node.getAttribute('data-label')];
    if (text) node.textContent = text;
  });
  document.getElementById('who').textContent = P.signedInAs;

  Object.keys(L.periods).forEach(function (key) {
    option(document.getElementById('f-period'), key, L.periods[key], key === 'month');
  });
  option(document.getElementById('f-platform'), '', P.all, true);
  Object.keys(L.platforms).forEach(function (key) {
    option(document.getElementById('f-platform'), key, L.platforms[key], false);
  });
  var chapterSelect = document.getElementById('f-chapter');
  option(chapterSelect, '', P.all, true);
  var chaptersLoaded = false;

  function change(c) {
    if (!c || c.previous === 0) return null;
    return Math.round((100 * (c.current - c.previous)) / c.previous);
  }

  function card(label, value, compare) {
    var box = el('div', null, 'card');
    box.appendChild(el('div', label, 'label'));
    box.appendChild(el('div', value, 'value'));
    var pct = change(compare);
    if (pct !== null) box.appendChild(el('div', (pct > 0 ? '+' : '') + pct + '%', 'delta ' + (pct >= 0 ? 'up' : 'down')));
    return box;
  }

  function renderNumbers(o) {
    var box = document.getElementById('numbers');
    box.replaceChildren(
      card(L.overview.activeMembers, fmt.format(o.activeMembers.current), o.activeMembers),
      card(L.overview.dauWauMau, [o.dailyActive, o.weeklyActive, o.monthlyActive].map(function (n) { return fmt.format(n); }).join(' / ')),
      card(L.overview.messages, fmt.format(o.messages.current), o.messages),
      card(L.overview.replies, fmt.format(o.replies.current), o.replies),
      card(L.overview.newReturning, fmt.format(o.newMembers) + ' / ' + fmt.format(o.returningMembers)),
      card(L.overview.votes, fmt.format(o.votes.current), o.votes),
      card(L.unansweredLabel.replace('{hours}', o.unanswered.hours), fmt.format(o.unanswered.unanswered) + ' / ' + fmt.format(o.unanswered.questions)),
      card(L.overview.pollRate, o.polls.averageRate === null ? '–' : fmt.format(o.polls.averageRate) + '%')
    );
  }

  function draw(id, config) {
    if (charts[id]) charts[id].destroy();
    config.options = Object.assign({ animation: false, responsive: true, maintainAspectRatio: false }, config.options || {});
    charts[id] = new window.Chart(document.getElementById(id), config);
  }

  function barChart(id, labels, datasets, horizontal, extra) {
    draw(id, {
      type: 'bar',
      data: { labels: labels, datasets: datasets.map(function (d, i) { return Object.assign({ backgroundColor: palette[i % palette.length] }, d); }) },
      options: Object.assign({ indexAxis: horizontal ? 'y' : 'x', plugins: { legend: { display: datasets.length > 1 } } }, extra || {}),
    });
  }

  function short(text, n) {
    return text.length > n ? text.slice(0, n - 1) + '…' : text;
  }

  function renderRetention(retention) {
    var wrap = document.getElementById('retention');
    if (retention.sizes.length === 0) {
      wrap.replaceChildren(el('p', P.none, 'hint'));
      return;
    }
    var table = el('table');
    var head = el('tr');
    head.appendChild(el('th', P.cohort));
    head.appendChild(el('th', P.size));
    for (var n = 0; n < 12; n++) head.appendChild(el('th', P.monthN.replace('{n}', n)));
    table.appendChild(head);
    retention.sizes.forEach(function (row) {
      var tr = el('tr');
      tr.appendChild(el('td', row.cohort.slice(0, 7)));
      tr.appendChild(el('td', fmt.format(row.size)));
      var start = new Date(row.cohort + 'T00:00:00Z');
      for (var k = 0; k < 12; k++) {
        var d = new Date(start);
        d.setUTCMonth(d.getUTCMonth() + k);
        var month = d.toISOString().slice(0, 10);
        var cell = retention.cells.find(function (c) { return c.cohort === row.cohort && c.month === month; });
        var td = el('td', cell ? Math.round((100 * cell.active) / row.size) + '%' : '');
        if (cell) td.style.backgroundColor = 'rgba(47, 111, 222, ' + (0.08 + (0.6 * cell.active) / row.size).toFixed(2) + ')';
        tr.appendChild(td);
      }
      table.appendChild(tr);
    });
    wrap.replaceChildren(table);
  }

  function renderAmbassadors(list) {
    var wrap = document.getElementById('ambassadors');
    if (list.length === 0) {
      wrap.replaceChildren(el('p', P.none, 'hint'));
      return;
    }
    var table = el('table');
    var head = el('tr');
    [P.name, P.score, P.helping, P.appreciation, P.consistency, P.turningUp].forEach(function (h) { head.appendChild(el('th', h)); });
    table.appendChild(head);
    list.forEach(function (a) {
      var tr = el('tr');
      tr.appendChild(el('td', a.name + (a.alreadyAmbassador ? ' ★' : '')));
      tr.appendChild(el('td', fmt.format(a.score)));
      tr.appendChild(el('td', fmt.format(a.parts.helping.replies) + ' → ' + fmt.format(a.parts.helping.points)));
      tr.appendChild(el('td', fmt.format(a.parts.appreciation.reactionsReceived) + ' → ' + fmt.format(a.parts.appreciation.points)));
      tr.appendChild(el('td', a.parts.consistency.activeWeeks + '/' + a.parts.consistency.weeks + ' → ' + fmt.format(a.parts.consistency.points)));
      tr.appendChild(el('td', fmt.format(a.parts.turningUp.meetupsAttended) + ' → ' + fmt.format(a.parts.turningUp.points)));
      table.appendChild(tr);
    });
    wrap.replaceChildren(table);
  }

  function renderUnanswered(u) {
    var box = document.getElementById('unanswered');
    var out = [el('p', L.unansweredLabel.replace('{hours}', u.hours) + ': ' + fmt.format(u.unanswered) + ' / ' + fmt.format(u.questions))];
    if (u.medianFirstReplyMinutes !== null) out.push(el('p', L.overview.medianReply + ': ' + P.minutes.replace('{n}', fmt.format(u.medianFirstReplyMinutes)), 'hint'));
    var ul = el('ul', null, 'plain');
    u.byChannel.forEach(function (c) { ul.appendChild(el('li', (c.name ? '#' + c.name : c.channelKey) + ': ' + fmt.format(c.unanswered))); });
    out.push(ul);
    box.replaceChildren.apply(box, out);
  }

  /** Introduction rounds (oldest left): groups and groups that met, and a table with the answers. */
  function renderCommunity(community) {
    var rounds = community.rounds.slice().reverse();
    document.getElementById('intros-none').hidden = rounds.length > 0;
    var names = rounds.map(function (r) { return short(r.label, 24) + ' #' + r.number; });
    barChart('chart-intros', names, [
      { label: P.introGroups, data: rounds.map(function (r) { return r.groups; }) },
      { label: P.introMet, data: rounds.map(function (r) { return r.metGroups; }) },
    ]);
    var wrap = document.getElementById('intros');
    if (rounds.length === 0) {
      wrap.replaceChildren();
    } else {
      var table = el('table');
      var head = el('tr');
      ['', P.introGroups, P.introMet, P.introAnswers].forEach(function (h) { head.appendChild(el('th', h)); });
      table.appendChild(head);
      community.rounds.forEach(function (r) {
        var tr = el('tr');
        tr.appendChild(el('td', r.label + ' #' + r.number));
        tr.appendChild(el('td', fmt.format(r.groups)));
        tr.appendChild(el('td', fmt.format(r.metGroups)));
        tr.appendChild(el('td', fmt.format(r.answersYes) + ' / ' + fmt.format(r.answersNo)));
        table.appendChild(tr);
      });
      wrap.replaceChildren(table);
    }
    var n = community.totals;
    document.getElementById('asks').textContent = P.asks
      .replace('{asked}', fmt.format(n.asked)).replace('{helped}', fmt.format(n.helped))
      .replace('{escalated}', fmt.format(n.escalated)).replace('{peers}', fmt.format(n.peerIntroductions));
    var f = community.funnel;
    barChart('chart-onboarding', [P.funnelLinked, P.funnelAgreed, P.funnelProfile, P.funnelMessaged, P.funnelIntroduced], [
      { label: P.onboarding, data: [f.linked, f.agreed, f.profile, f.messaged, f.introduced] },
    ], true, { scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } });
  }

  function fill(text, values) {
    return Object.keys(values).reduce(function (t, k) { return t.split('{' + k + '}').join(values[k]); }, text);
  }

  var surveyCharts = [];

  /**
   * Survey results, one block per survey and one chart per choice, scale or NPS question. The numbers
   * come as the surveys capability gave them: anonymous surveys without written answers (only their
   * count) and without any figure below their minimum group size.
   */
  function renderSurveys(surveys) {
    surveyCharts.forEach(function (id) { if (charts[id]) { charts[id].destroy(); delete charts[id]; } });
    surveyCharts = [];
    document.getElementById('surveys-none').hidden = surveys.length > 0;
    var wrap = document.getElementById('surveys');
    wrap.replaceChildren();
    surveys.forEach(function (s, i) {
      var block = el('section', null, 'survey');
      block.setAttribute('data-survey', s.surveyId);
      var tags = [s.status === 'closed' ? P.surveyClosed : P.surveyOpen];
      if (s.anonymous) tags.push(P.surveyAnonymous);
      block.appendChild(el('h2', s.title + ' (' + tags.join(', ') + ')'));
      block.appendChild(el('p', fill(P.surveyMeta, { invited: fmt.format(s.invited), completed: fmt.format(s.completed), respondents: fmt.format(s.respondents) }), 'hint'));
      if (!s.shown) block.appendChild(el('p', fill(P.surveyWaiting, { size: fmt.format(s.minGroupSize) }), 'hint survey-waiting'));
      var grid = el('div', null, 'survey-questions');
      block.appendChild(grid);
      // In the document before any chart is drawn: Chart.js sizes a canvas by its place on the page.
      wrap.appendChild(block);
      s.questions.forEach(function (q) {
        var box = el('div', null, 'survey-question');
        box.setAttribute('data-kind', q.kind);
        grid.appendChild(box);
        box.appendChild(el('h3', (q.position + 1) + '. ' + q.prompt));
        box.appendChild(el('p', fill(P.surveyAnswered, { answered: fmt.format(q.answered) }), 'hint'));
        if (q.bars.length > 0) {
          var id = 'chart-survey-' + i + '-' + q.position;
          var holder = el('div', null, 'chart small');
          var canvas = el('canvas');
          canvas.id = id;
          canvas.setAttribute('role', 'img');
          canvas.setAttribute('aria-label', q.prompt + ': ' + q.bars.map(function (b) { return b.label + ' ' + b.count; }).join(', '));
          holder.appendChild(canvas);
          box.appendChild(holder);
          surveyCharts.push(id);
          var horizontal = q.kind === 'single' || q.kind === 'multiple';
          var scale = { beginAtZero: true, ticks: { precision: 0 } };
          barChart(id, q.bars.map(function (b) { return short(b.label, 30); }), [{ label: P.surveyCount, data: q.bars.map(function (b) { return b.count; }) }], horizontal,
            { scales: horizontal ? { x: scale } : { y: scale } });
        }
        if (q.average !== null) box.appendChild(el('p', fill(P.surveyAverage, { average: fmt.format(q.average) }), 'survey-figure'));
        if (q.nps) {
          box.appendChild(el('p', fill(P.surveyNps, { score: fmt.format(q.nps.score), promoters: fmt.format(q.nps.promoters), passives: fmt.format(q.nps.passives), detractors: fmt.format(q.nps.detractors) }), 'survey-figure survey-nps'));
        }
        if (q.kind === 'text') {
          box.appendChild(el('p', fill(P.surveyTexts, { count: fmt.format(q.answered) }), 'survey-figure'));
          if (q.texts) {
            var ul = el('ul', null, 'plain survey-texts');
            q.texts.slice(0, 50).forEach(function (t) { ul.appendChild(el('li', t)); });
            box.appendChild(ul);
          }
        }
      });
    });
  }

  function render(payload) {
    var d = payload.data;
    var o = d.overview;
    if (!chaptersLoaded) {
      payload.chapters.forEach(function (c) { option(chapterSelect, c.id, c.name, false); });
      chaptersLoaded = true;
    }
    var chapterName = {};
    payload.chapters.forEach(function (c) { chapterName[c.id] = c.name; });
    renderNumbers(o);

    var days = d.daily.map(function (p) { return p.day; });
    draw('chart-activity', {
      data: {
        labels: days,
        datasets: [
          { type: 'bar', label: P.messages, data: d.daily.map(function (p) { return p.messages; }), backgroundColor: palette[0], stack: 'a' },
          { type: 'bar', label: P.replies, data: d.daily.map(function (p) { return p.replies; }), backgroundColor: palette[1], stack: 'a' },
          { type: 'bar', label: P.other, data: d.daily.map(function (p) { return p.other; }), backgroundColor: palette[2], stack: 'a' },
          { type: 'line', label: P.activeDaily, data: d.daily.map(function (p) { return p.members; }), borderColor: palette[3], backgroundColor: palette[3], yAxisID: 'members', tension: 0.25 },
        ],
      },
      options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true }, members: { position: 'right', beginAtZero: true, grid: { drawOnChartArea: false } } } },
    });
    barChart('chart-weekly', d.weekly.map(function (p) { return p.bucket; }), [{ label: P.activeWeekly, data: d.weekly.map(function (p) { return p.members; }) }]);
    barChart('chart-monthly', d.monthly.map(function (p) { return p.bucket.slice(0, 7); }), [{ label: P.activeMonthly, data: d.monthly.map(function (p) { return p.members; }) }]);
    renderRetention(d.retention);

    document.getElementById('topics-off').hidden = o.topics.enabled;
    barChart('chart-topics', d.topTerms.map(function (t) { return t.term; }), [
      { label: L.periods[o.period.key], data: d.topTerms.map(function (t) { return t.current; }) },
      { label: P.previousPeriod, data: d.topTerms.map(function (t) { return t.previous; }), backgroundColor: '#c5cbd6' },
    ], true);
    barChart('chart-chapters', o.chapters.map(function (c) { return c.key ? chapterName[c.key] || c.name || c.key : L.overview.noChapter; }), [
      { label: P.messages, data: o.chapters.map(function (c) { return c.count; }) },
    ]);
    barChart('chart-channels', o.channels.map(function (c) { return c.name ? '#' + c.name : c.key; }), [
      { label: P.messages, data: o.channels.map(function (c) { return c.count; }) },
    ], true);
    var polls = o.polls.items.filter(function (p) { return p.rate !== null; });
    document.getElementById('polls-none').hidden = polls.length > 0;
    barChart('chart-polls', polls.map(function (p) { return short(p.question, 40); }), [{ label: '%', data: polls.map(function (p) { return p.rate; }) }], true, {
      scales: { x: { min: 0, max: 100 } },
    });
    renderUnanswered(o.unanswered);
    renderAmbassadors(d.ambassadors);
    renderCommunity(d.community);
    renderSurveys(d.surveys || []);
    document.body.setAttribute('data-ready', 'true');
  }

  function load() {
    var error = document.getElementById('error');
    document.body.removeAttribute('data-ready');
    var query = new URLSearchParams(new FormData(form)).toString();
    fetch('api/data?' + query, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (res) {
        if (!res.ok) throw new Error(res.status === 403 ? P.forbidden : res.status === 401 ? P.signInRequired : P.loadFailed);
        return res.json();
      })
      .then(function (payload) {
        error.hidden = true;
        render(payload);
      })
      .catch(function (err) {
        error.textContent = err && err.message ? err.message : P.loadFailed;
        error.hidden = false;
        document.body.setAttribute('data-ready', 'error');
      });
  }

  form.addEventListener('change', load);
  load();
})();
