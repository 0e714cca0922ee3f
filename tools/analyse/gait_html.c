/* HTML report of `backline-analyse gait`: one self-contained page (inline
 * CSS, SVG drawn by inline JavaScript from the embedded report; nothing
 * fetched, so it opens offline) with a panel per muscle: every cycle's
 * curve faint behind, the mean and its SD band, the stance/swing boundary
 * and Perry's phases; then the posterior-chain statements, left/right
 * symmetry, synergies and the parameters. The page sets
 * data-render="ok" on <body> when its script has finished ("error" and a
 * visible message if anything threw). */
#include <stdio.h>

#include "gait_report.h"
#include "hinge_report.h"
#include "tool.h"

static const char page_head[] =
    "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    "<title>backline gait report</title>\n<style>\n"
    "body{font:14px system-ui,sans-serif;color:#1d2430;max-width:1200px;margin:20px auto;padding:0 14px}\n"
    "h1{font-size:21px;margin:0}h2{font-size:16px;margin:26px 0 8px;border-bottom:1px solid #dde2ea}\n"
    "#sub{color:#5a6577;font-size:13px;margin:4px 0 12px}\n"
    ".tiles span{display:inline-block;border:1px solid #dde2ea;border-radius:6px;padding:6px 12px;margin:0 8px 8px 0}\n"
    ".tiles b{font-size:18px;margin-right:6px}\n"
    ".grid{display:flex;flex-wrap:wrap;gap:12px}.panel{border:1px solid #e6e9ef;border-radius:6px;padding:6px}\n"
    ".panel h3{font-size:13px;margin:0 0 2px}.panel p{font-size:12px;color:#5a6577;margin:0}\n"
    "ul.say li{margin:3px 0}ul.say i{color:#5a6577;font-size:12px;display:block}\n"
    "table{border-collapse:collapse;font-size:13px}td,th{border-bottom:1px solid #e6e9ef;padding:3px 8px}\n"
    ".warn{background:#fff6e0;border:1px solid #f0c36d;border-radius:6px;padding:6px 12px}\n"
    "#fail{display:none;background:#fde8e8;border:1px solid #e08080;padding:8px}\n"
    ".tree ul{list-style:none;padding-left:14px;margin:1px 0}.tree .k{color:#5a6577}\n"
    "</style>\n</head>\n<body data-render=\"pending\">\n<div id=\"fail\"></div>\n"
    "<h1>Gait EMG report</h1>\n<div id=\"sub\"></div>\n<div class=\"tiles\" id=\"tiles\"></div>\n"
    "<div id=\"warn\"></div>\n"
    "<h2>Muscles over the cycle</h2>\n<div class=\"grid\" id=\"muscles\"></div>\n"
    "<h2>Posterior chain</h2>\n<div id=\"chain\"></div>\n"
    "<h2>Left/right symmetry</h2>\n<div id=\"sym\"></div>\n"
    "<h2>Muscle synergies</h2>\n<div class=\"grid\" id=\"syn\"></div>\n"
    "<h2>Processing parameters (ISEK style)</h2>\n<div class=\"tree\" id=\"par\"></div>\n"
    "<script>\nwindow.onerror=function(m,s,l){document.body.setAttribute('data-render','error');"
    "var e=document.getElementById('fail');e.style.display='block';e.textContent='Script error: '+m+' (line '+l+')';};\n"
    "</script>\n<script type=\"application/json\" id=\"data\">";

static const char page_tail[] =
    "</script>\n<script>\n(function(){\n"
    "var SV='http://www.w3.org/2000/svg',D=JSON.parse(document.getElementById('data').textContent),"
    "R=D.report,C=D.curves,P=R.points_per_cycle,SP=R.stance_points;\n"
    "function S(t,a,p){var e=document.createElementNS(SV,t);Object.keys(a).forEach(function(k){"
    "e.setAttribute(k,a[k]);});p.appendChild(e);return e;}\n"
    "function E(t,s,p,c){var e=document.createElement(t);if(s!==null)e.textContent=s;if(c)e.className=c;"
    "p.appendChild(e);return e;}\n"
    "function N(v,d){return v===null||v===undefined?'\\u2013':Number(v).toFixed(d);}\n"
    "document.getElementById('sub').textContent=R.session+' \\u2014 '+R.tool+' '+R.version+', events: '+"
    "(R.events||'footswitch or knee angle')+(R.events_estimated?' \u2014 EVENTS ESTIMATED from the knee angle, "
    "not measured':'');\n"
    "var st=R.cycles.reduce(function(a,c){return a+c.stance_pct;},0)/Math.max(1,R.cycles.length);\n"
    "[[R.cycles.length,'cycles'],[N(st,1)+' %','mean stance'],[R.unit,'amplitude'],[R.normalise+' ('+P+' points)',"
    "'time normalisation']].concat(R.synergies.map(function(s){return[s.rank,'synergies '+s.side];}))"
    ".forEach(function(t){var s=E('span',null,document.getElementById('tiles'));E('b',String(t[0]),s);"
    "s.appendChild(document.createTextNode(t[1]));});\n"
    "if(R.warnings.length){var w=E('div',null,document.getElementById('warn'),'warn');E('b','Warnings',w);"
    "var wl=E('ul',null,w);R.warnings.forEach(function(x){E('li',x,wl);});}\n"
    /* the x position of a point, and of Perry's bounds on the grid */
    "var PB=R.parameters.phases.bounds_pct,PW=340,PH=170,L=40,T=8,B=22;\n"
    "function X(i){return L+i/(P-1)*(PW-L-14);}\n"
    "function grid(b){return b<=60?SP*b/60:SP+(P-1-SP)*(b-60)/40;}\n"
    "function line(v,Y){return v.map(function(y,i){return X(i).toFixed(1)+','+Y(y).toFixed(1);}).join(' ');}\n"
    "R.muscles.forEach(function(m){var d=E('div',null,document.getElementById('muscles'),'panel');"
    "E('h3',m.name+' \\u2014 '+m.muscle_name,d);"
    "E('p','peak '+N(m.peak_phase_pct,1)+' % of the cycle, CV '+N(m.cv_pct,1)+' %, '+m.cycles+' cycles',d);"
    "var cyc=C[m.name]||[],top=0;cyc.concat([m.mean.map(function(v,i){return v+(m.sd[i]||0);})])"
    ".forEach(function(a){a.forEach(function(v){if(v>top)top=v;});});top=top>0?top*1.05:1;\n"
    "function Y(v){return T+(PH-T-B)*(1-Math.max(0,Math.min(v,top))/top);}\n"
    "var g=S('svg',{width:PW,height:PH,viewBox:'0 0 '+PW+' '+PH},d);\n"
    "Object.keys(PB).forEach(function(k,j){var a=X(grid(PB[k][0])),b=X(grid(PB[k][1]));if(j%2)"
    "S('rect',{x:a,y:T,width:b-a,height:PH-T-B,fill:'#f3f5f8'},g);});\n"
    "cyc.forEach(function(a){S('polyline',{points:line(a,Y),fill:'none',stroke:'#b9c2cf','stroke-width':0.7},g);});\n"
    "var up=m.mean.map(function(v,i){return v+(m.sd[i]||0);}),dn=m.mean.map(function(v,i){return v-(m.sd[i]||0);});"
    "S('polygon',{points:line(up,Y)+' '+line(dn,Y).split(' ').reverse().join(' '),fill:'#2a7fff','fill-opacity':0.2},g);\n"
    "S('polyline',{points:line(m.mean,Y),fill:'none',stroke:'#1b4f9c','stroke-width':1.8},g);\n"
    "S('line',{x1:X(SP),x2:X(SP),y1:T,y2:PH-B,stroke:'#c2561a','stroke-dasharray':'4 3'},g);\n"
    "[0,25,50,75,100].forEach(function(q){var t=S('text',{x:X(q/100*(P-1)),y:PH-6,'font-size':10,"
    "'text-anchor':'middle',fill:'#5a6577'},g);t.textContent=q;});\n"
    "var u=S('text',{x:2,y:T+9,'font-size':10,fill:'#5a6577'},g);u.textContent=N(top,0)+' '+R.unit;});\n"
    /* statements */
    "var ch=document.getElementById('chain');if(!R.posterior_chain.length)E('p','No side with a hamstring channel.',ch);\n"
    "R.posterior_chain.forEach(function(c){var ul=E('ul',null,ch,'say');c.statements.forEach(function(s){"
    "var li=E('li',s.text,ul);E('i',s.rule,li);});});\n"
    "var sy=document.getElementById('sym');if(!R.symmetry.length)E('p','Needs a muscle mapped on both sides.',sy);"
    "else{var tb=E('table',null,sy),hd=E('tr',null,tb);['muscle','SI %','r','lag %','peak R\\u2212L %'].forEach("
    "function(x){E('th',x,hd);});R.symmetry.forEach(function(s){var tr=E('tr',null,tb);[s.muscle,"
    "N(s.symmetry_index_pct,1),N(s.r,2),N(s.lag_pct,1),N(s.peak_phase_diff_pct,1)].forEach(function(x){"
    "E('td',x,tr);});});}\n"
    "R.synergies.forEach(function(s){s.modules.forEach(function(mod,k){var d=E('div',null,"
    "document.getElementById('syn'),'panel');E('h3','synergy '+(k+1)+' of '+s.rank+' ('+s.side+', R\\u00b2 '+"
    "N(s.r2[s.rank-1],3)+')',d);var names=Object.keys(mod),g=S('svg',{width:PW,height:PH},d);"
    "names.forEach(function(n,i){var bw=(PW-L)/names.length,h=mod[n]*(PH/2-20);S('rect',{x:L+i*bw+1,"
    "y:PH/2-h,width:bw-2,height:h,fill:'#17a673'},g);var t=S('text',{x:L+i*bw+bw/2,y:PH/2+10,'font-size':8,"
    "'text-anchor':'middle'},g);t.textContent=n.replace(/^[LR]\\./,'');});"
    "var pr=s.primitives[k],pm=Math.max.apply(null,pr)||1;S('polyline',{points:pr.map(function(v,i){"
    "return X(i).toFixed(1)+','+(PH-4-(v/pm)*(PH/2-20)).toFixed(1);}).join(' '),fill:'none',stroke:'#9b5de5',"
    "'stroke-width':1.5},g);});});\n"
    "function tree(o,p){var ul=E('ul',null,p);Object.keys(o).forEach(function(k){var li=E('li',null,ul),v=o[k];"
    "E('span',k+': ',li,'k');if(v!==null&&typeof v==='object')tree(v,li);else li.appendChild("
    "document.createTextNode(v===null?'\\u2013':String(v)));});}\n"
    "tree(R.parameters,document.getElementById('par'));\n"
    "document.body.setAttribute('data-render','ok');\n})();\n</script>\n</body>\n</html>\n";

int gait_write_html(tool_output *o, const gait_report *r, const cJSON *doc)
{
    cJSON *data = cJSON_CreateObject();
    if (!data) return tool_error("%s: out of memory", o->path);
    cJSON_AddItemReferenceToObject(data, "report", (cJSON *)doc);
    cJSON_AddItemToObject(data, "curves", gait_report_curves_json(r));
    int rc = hinge_html_write_page(o, page_head, data, page_tail);
    cJSON_Delete(data);
    return rc;
}
