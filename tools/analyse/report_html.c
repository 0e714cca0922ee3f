/* HTML report of `backline-analyse hinge`: one self-contained page (inline
 * CSS, SVG drawn by inline JavaScript, the data embedded as JSON; no
 * external resource, so it opens offline). When its script has finished
 * the page sets data-render="ok" on <body> (data-render="error" and a
 * visible message if anything threw), which the headless-browser test
 * checks. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "hinge_report.h"
#include "tool.h"

static const char html_head[] =
    "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    "<title>backline hinge report</title>\n<style>\n"
    "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:24px auto;max-width:1180px;"
    "color:#1d2430;background:#fff;padding:0 16px}\n"
    "h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #dde2ea;"
    "padding-bottom:4px}\n"
    ".sub{color:#5a6577;font-size:13px;margin-bottom:14px;word-break:break-all}\n"
    ".cards{display:flex;flex-wrap:wrap;gap:10px;margin:10px 0}\n"
    ".card{border:1px solid #dde2ea;border-radius:6px;padding:8px 14px;min-width:110px}\n"
    ".card b{display:block;font-size:20px}.card span{font-size:12px;color:#5a6577}\n"
    ".warn{background:#fff6e0;border:1px solid #f0c36d;border-radius:6px;padding:8px 14px;font-size:14px}\n"
    ".warn li{margin:2px 0}\n"
    "svg text{font-family:inherit}\n"
    ".legend{font-size:13px;margin:4px 0 0}.legend span{margin-right:14px;white-space:nowrap}\n"
    ".sw{display:inline-block;width:12px;height:12px;border-radius:2px;vertical-align:-1px;margin-right:4px}\n"
    "table{border-collapse:collapse;font-size:13px;width:100%}th,td{border-bottom:1px solid #e6e9ef;"
    "padding:4px 6px;text-align:right}th{background:#f4f6f9;position:sticky;top:0}\n"
    "td.l,th.l{text-align:left}\n"
    ".v-internal{color:#1b6fb8;font-weight:600}.v-external{color:#c2561a;font-weight:600}"
    ".v-mixed{color:#6b6b6b;font-weight:600}.v-unknown{color:#999}\n"
    ".g-pass{color:#17a673;font-weight:600}.g-warn{color:#b07a00;font-weight:600}.g-fail{color:#c0392b;"
    "font-weight:600}\n.note{background:#eef4fb;border:1px solid #a9c6e8;border-radius:6px;padding:8px 14px;"
    "font-size:14px;margin:8px 0}\n"
    ".params{font-size:13px}.params ul{list-style:none;padding-left:16px;margin:2px 0}"
    ".params .k{color:#5a6577}\n"
    "#error{display:none;background:#fde8e8;border:1px solid #e08080;padding:8px;border-radius:6px}\n"
    ".scroll{overflow-x:auto}\n"
    "</style>\n</head>\n<body data-render=\"pending\">\n"
    "<div id=\"error\"></div>\n"
    "<h1>Hip-hinge torque-chain report</h1>\n<div class=\"sub\" id=\"subtitle\"></div>\n"
    "<div class=\"cards\" id=\"cards\"></div>\n<div id=\"verdictnote\"></div>\n<div id=\"warnings\"></div>\n"
    "<h2>Signal quality per channel</h2>\n<div class=\"scroll\"><table id=\"quality\"></table></div>\n"
    "<h2>Envelopes (%MVC) and repetitions</h2>\n<div class=\"scroll\"><svg id=\"env\"></svg></div>\n"
    "<div class=\"legend\" id=\"legend\"></div>\n"
    "<h2>Torque-chain balance per repetition</h2>\n<svg id=\"bars\"></svg>\n"
    "<h2>Repetitions</h2>\n<div class=\"scroll\"><table id=\"reps\"></table></div>\n"
    "<h2>Processing parameters (ISEK style)</h2>\n<div class=\"params\" id=\"params\"></div>\n"
    "<script>\nwindow.onerror=function(m,s,l){document.body.setAttribute('data-render','error');"
    "var e=document.getElementById('error');e.style.display='block';e.textContent='Report script error: '+m+"
    "' (line '+l+')';return false;};\n</script>\n"
    "<script type=\"application/json\" id=\"data\">";

static const char html_tail[] =
    "</script>\n<script>\n"
    "(function(){\n"
    "var NS='http://www.w3.org/2000/svg';\n"
    "var D=JSON.parse(document.getElementById('data').textContent);var R=D.report,E=D.envelopes;\n"
    "var VC={internal:'#1b6fb8',external:'#c2561a',mixed:'#8a8a8a',unknown:'#c8c8c8'};\n"
    "var PAL=['#2a7fff','#e4572e','#17a673','#9b5de5','#f2a900','#00a6a6','#d0417e','#6b8e23','#8d6e63',"
    "'#455a64','#ff7f50','#3949ab'];\n"
    "function el(n,a,p){var e=document.createElementNS(NS,n);for(var k in a)e.setAttribute(k,a[k]);"
    "if(p)p.appendChild(e);return e;}\n"
    "function h(n,t,p,c){var e=document.createElement(n);if(t!=null)e.textContent=t;if(c)e.className=c;"
    "if(p)p.appendChild(e);return e;}\n"
    "function f(v,d){return v==null?'\\u2013':Number(v).toFixed(d);}\n"
    "function sg(v,d){return v==null?'\\u2013':(v>=0?'+':'')+Number(v).toFixed(d);}\n"
    "document.getElementById('subtitle').textContent=R.session+' \\u2014 '+R.tool+' '+R.version;\n"
    "var S=R.summary,cards=document.getElementById('cards');\n"
    "function card(v,l,c){var d=h('div',null,cards,'card');var b=h('b',v,d);if(c)b.style.color=c;h('span',l,d);}\n"
    "card(S.reps,'repetitions');\n"
    "['internal','external','mixed','unknown'].forEach(function(k){card(S.verdicts[k],k,VC[k]);});\n"
    "card(sg(S.mean_chain_index,2),'mean chain index');\n"
    "card(S.fatigue_slope_hz_per_rep==null?'\\u2013':sg(S.fatigue_slope_hz_per_rep,2)+' Hz','median-freq. slope / rep');\n"
    "card(S.normalisation==='mvc'?'%MVC':'session peak','normalisation',S.normalisation==='mvc'?null:'#c2561a');\n"
    /* what the verdicts can and cannot say, in words */
    "var vn=document.getElementById('verdictnote');if(R.reps.length){var nd=h('div',null,vn,'note');"
    "if(S.normalisation!=='mvc'||S.verdicts.unknown===S.reps)h('b',S.normalisation==='mvc'?"
    "'No repetition has a verdict the data can carry (see each reason). ':'No MVC trials, so no absolute "
    "internal or external label. ',nd);"
    "nd.appendChild(document.createTextNode('Against this set: '+S.relative_to_set+'.'));}\n"
    /* quality table */
    "var qt=document.getElementById('quality'),qh=h('tr',null,qt);"
    "['channel','grade','state','failed','warnings'].forEach(function(x,i){h('th',x,qh,i?'l':'l');});\n"
    "R.channels.forEach(function(c){if(!c.quality)return;var tr=h('tr',null,qt);h('td',c.name,tr,'l');"
    "h('td',c.quality.grade,tr,'l g-'+c.quality.grade);h('td',c.state+(c.left_out?': '+c.left_out:''),tr,'l');"
    "function list(o){return Object.keys(o).map(function(k){return k+': '+o[k];}).join('; ')||'\u2013';}"
    "h('td',list(c.quality.failed),tr,'l');h('td',list(c.quality.warned),tr,'l');});\n"
    "if(R.warnings.length){var w=h('div',null,document.getElementById('warnings'),'warn');"
    "h('b','Warnings',w);var ul=h('ul',null,w);R.warnings.forEach(function(x){h('li',x,ul);});}\n"
    /* envelope chart */
    "var names=Object.keys(E.channels),rate=E.rate_hz,n=0,ymax=10;\n"
    "names.forEach(function(k){var a=E.channels[k];n=Math.max(n,a.length);a.forEach(function(v){"
    "if(v>ymax)ymax=v;});});\n"
    "ymax=Math.min(Math.ceil(ymax/10)*10,200);var dur=Math.max(n/rate,1);\n"
    "var W=Math.max(1100,Math.min(4000,dur*28)),H=380,ml=48,mr=12,mt=30,mb=34,pw=W-ml-mr,ph=H-mt-mb;\n"
    "var svg=document.getElementById('env');svg.setAttribute('width',W);svg.setAttribute('height',H);"
    "svg.setAttribute('viewBox','0 0 '+W+' '+H);\n"
    "function X(t){return ml+t/dur*pw;}function Y(v){return mt+ph-Math.min(v,ymax)/ymax*ph;}\n"
    "R.reps.forEach(function(r){var c=VC[r.chain]||'#ccc';"
    "el('rect',{x:X(r.start_s),y:mt,width:Math.max(1,X(r.end_s)-X(r.start_s)),height:ph,fill:c,"
    "'fill-opacity':0.16},svg);"
    "if(r.phases&&r.phases.concentric){var tx=X(r.phases.concentric.start_s);el('line',{x1:tx,x2:tx,y1:mt,"
    "y2:mt+ph,stroke:c,'stroke-dasharray':'4 3','stroke-width':1},svg);}"
    "var t=el('text',{x:(X(r.start_s)+X(r.end_s))/2,y:mt-8,'text-anchor':'middle','font-size':11,fill:c,"
    "'font-weight':600},svg);t.textContent=r.index+(X(r.end_s)-X(r.start_s)>44?' '+r.chain.slice(0,3):'');});\n"
    "for(var i=0;i<=5;i++){var v=ymax*i/5,y=Y(v);el('line',{x1:ml,x2:W-mr,y1:y,y2:y,stroke:'#e6e9ef'},svg);"
    "var tt=el('text',{x:ml-6,y:y+4,'text-anchor':'end','font-size':11,fill:'#5a6577'},svg);"
    "tt.textContent=Math.round(v);}\n"
    "var step=dur>120?20:dur>40?10:5;for(var s=0;s<=dur;s+=step){var x=X(s);"
    "el('line',{x1:x,x2:x,y1:mt+ph,y2:mt+ph+4,stroke:'#5a6577'},svg);"
    "var tl=el('text',{x:x,y:mt+ph+17,'text-anchor':'middle','font-size':11,fill:'#5a6577'},svg);"
    "tl.textContent=s+' s';}\n"
    "var yl=el('text',{x:12,y:mt+ph/2,'font-size':11,fill:'#5a6577',transform:'rotate(-90 12 '+(mt+ph/2)+')',"
    "'text-anchor':'middle'},svg);yl.textContent='%MVC';\n"
    "var leg=document.getElementById('legend');\n"
    "names.forEach(function(k,ci){var a=E.channels[k],pts=[],col=PAL[ci%PAL.length];"
    "var stride=Math.max(1,Math.floor(a.length/pw/2));"
    "for(var i=0;i<a.length;i+=stride)pts.push(X(i/rate).toFixed(1)+','+Y(a[i]).toFixed(1));"
    "el('polyline',{points:pts.join(' '),fill:'none',stroke:col,'stroke-width':1.3,'stroke-linejoin':'round'},svg);"
    "var sp=h('span',null,leg);var sw=h('i',null,sp,'sw');sw.style.background=col;"
    "var ch=(R.channels.filter(function(c){return c.name===k;})[0]||{});"
    "sp.appendChild(document.createTextNode(k+(ch.chain&&ch.chain!=='none'?' ('+ch.chain+')':'')));});\n"
    "['internal','external','mixed','unknown'].forEach(function(k){var sp=h('span',null,leg);"
    "var sw=h('i',null,sp,'sw');sw.style.background=VC[k];sw.style.opacity=0.5;"
    "sp.appendChild(document.createTextNode('rep: '+k));});\n"
    /* balance bars */
    "if(!R.reps.length){var np=h('p','No repetitions found (see the warnings).',null);"
    "document.getElementById('bars').parentNode.insertBefore(np,document.getElementById('bars'));}\n"
    "var bs=document.getElementById('bars'),rh=22,BW=1100,bh=Math.max(1,R.reps.length)*rh+44,cx=560,half=380;\n"
    "bs.setAttribute('width',BW);bs.setAttribute('height',bh);bs.setAttribute('viewBox','0 0 '+BW+' '+bh);\n"
    "var mg=R.parameters.torque_chain.verdict_margin;\n"
    "el('rect',{x:cx-mg*half,y:20,width:2*mg*half,height:bh-40,fill:'#f0f0f0'},bs);\n"
    "el('line',{x1:cx,x2:cx,y1:16,y2:bh-20,stroke:'#5a6577'},bs);\n"
    "[[-1,'external \\u22121'],[1,'+1 internal']].forEach(function(p){var t=el('text',{x:cx+p[0]*half,y:12,"
    "'text-anchor':'middle','font-size':11,fill:VC[p[0]>0?'internal':'external']},bs);t.textContent=p[1];});\n"
    "R.reps.forEach(function(r,i){var y=24+i*rh,v=r.chain_index,c=VC[r.chain]||'#ccc';"
    "var lab=el('text',{x:cx-half-10,y:y+13,'text-anchor':'end','font-size':12},bs);lab.textContent='rep '+r.index;"
    "if(v!=null){var x0=Math.min(cx,cx+v*half);el('rect',{x:x0,y:y+2,width:Math.max(1,Math.abs(v)*half),"
    "height:rh-6,fill:c,rx:2},bs);}"
    "var vt=el('text',{x:cx+half+10,y:y+13,'font-size':12,fill:c},bs);"
    "vt.textContent=sg(v,2)+'  '+r.chain+(r.ratios.medial_lateral_hamstring!=null?'  M:L '+"
    "f(r.ratios.medial_lateral_hamstring,2):'');});\n"
    /* table */
    "var tb=document.getElementById('reps'),hr=h('tr',null,tb);\n"
    "['rep','start s','end s','turn s','chain','index','vs set','ham. bal.','trunk bal.','M:L','G:H','ES share',"
    "'H:Q','ham. %MVC','firing order','reason'].forEach(function(x,i){h('th',x,hr,i>=14||i==6?'l':null);});\n"
    "R.reps.forEach(function(r){var tr=h('tr',null,tb);"
    "var turn=r.phases&&r.phases.concentric?r.phases.concentric.start_s:null;"
    "[r.index,f(r.start_s,2),f(r.end_s,2),f(turn,2)].forEach(function(x){h('td',x,tr);});"
    "h('td',r.chain,tr,'v-'+r.chain);h('td',sg(r.chain_index,2),tr);h('td',r.lean,tr,'l');"
    "[sg(r.balances.hamstring,2),sg(r.balances.trunk,2),f(r.ratios.medial_lateral_hamstring,2),"
    "f(r.ratios.glute_hamstring,2),f(r.ratios.erector_share,2),f(r.ratios.hamstring_quad,2),"
    "f(r.hamstring_mean_pct_mvc,1)].forEach(function(x){h('td',x,tr);});"
    "h('td',r.firing_order.join(' \\u2192 '),tr,'l');h('td',r.reason,tr,'l');});\n"
    /* parameters */
    "function tree(o,p){var ul=h('ul',null,p);Object.keys(o).forEach(function(k){var li=h('li',null,ul);"
    "h('span',k+': ',li,'k');var v=o[k];if(v!==null&&typeof v==='object'){if(Array.isArray(v)&&"
    "v.every(function(x){return typeof x!=='object';}))li.appendChild(document.createTextNode(v.length?"
    "v.join(', '):'(none)'));else tree(v,li);}else li.appendChild(document.createTextNode(v===null?"
    "'\\u2013':String(v)));});}\n"
    "tree(R.parameters,document.getElementById('params'));\n"
    "var chs=h('div',null,document.getElementById('params'));h('b','Channels',chs);tree(R.channels.reduce("
    "function(a,c){a[c.name]=c;return a;},{}),chs);\n"
    "document.body.setAttribute('data-render','ok');\n"
    "})();\n</script>\n</body>\n</html>\n";

/* JSON inside <script>: "</" would end the element and "<!--" changes
 * the parser state; escaping the slash and the bang keeps it valid JSON. */
static int put_json(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (s[0] == '<' && (s[1] == '/' || s[1] == '!')) {
            if (fputs("<\\u002", f) < 0) return -1;
            if (fputc(s[1] == '/' ? 'f' : '1', f) == EOF) return -1;
            s++;
            continue;
        }
        if (fputc(*s, f) == EOF) return -1;
    }
    return 0;
}

int hinge_html_write_page(tool_output *o, const char *head, const cJSON *data, const char *tail)
{
    char *text = cJSON_PrintUnformatted(data);
    if (!text) return tool_error("%s: out of memory formatting the report", o->path);
    FILE *f = tool_output_open(o);
    if (!f) {
        int e = errno;
        cJSON_free(text);
        return tool_error("%s: cannot write: %s", o->path, strerror(e));
    }
    int bad = fputs(head, f) < 0 || put_json(f, text) != 0 || fputs(tail, f) < 0;
    bad |= tool_output_close(o) != 0;
    cJSON_free(text);
    if (bad) {
        tool_outputs_abort(o, 1);
        return tool_error("%s: write failed (disk full?)", o->path);
    }
    return 0;
}

int hinge_write_html(tool_output *o, const hinge_report *r, const cJSON *doc)
{
    cJSON *data = cJSON_CreateObject();
    if (!data) return tool_error("%s: out of memory", o->path);
    cJSON_AddItemReferenceToObject(data, "report", (cJSON *)doc);
    cJSON_AddItemToObject(data, "envelopes", hinge_report_envelopes_json(r, 20.0));
    int rc = hinge_html_write_page(o, html_head, data, html_tail);
    cJSON_Delete(data);
    return rc;
}
