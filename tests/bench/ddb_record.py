#!/usr/bin/env python3
"""Recording proxy for tests/bench/module_cost.sh: forwards each DynamoDB
call of the module to the real local DynamoDB (dynalite) and writes the
request and the reply to OUT_DIR as <n>.req (the X-Amz-Target line, then
the body) and <n>.res (the reply body), n counting from 1.  Used once, at
the start of the benchmark, with a handful of requests: not fast.

usage: ddb_record.py PORT UPSTREAM_URL OUT_DIR"""

import http.server
import os
import sys
import urllib.request

port, upstream, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
count = 0


class Recorder(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def do_POST(self):
        global count
        body = self.rfile.read(int(self.headers['Content-Length'] or 0))
        skip = ('host', 'content-length', 'connection')
        headers = {k: v for k, v in self.headers.items()
                   if k.lower() not in skip}
        req = urllib.request.Request(upstream + self.path, data=body,
                                     headers=headers, method='POST')
        try:
            with urllib.request.urlopen(req) as res:
                status, reply = res.status, res.read()
                ctype = res.headers['Content-Type']
        except urllib.error.HTTPError as e:
            status, reply = e.code, e.read()
            ctype = e.headers['Content-Type']
        count += 1
        target = self.headers.get('X-Amz-Target', '')
        with open(os.path.join(out, '%d.req' % count), 'wb') as f:
            f.write(target.encode() + b'\n' + body)
        with open(os.path.join(out, '%d.res' % count), 'wb') as f:
            f.write(reply)
        self.send_response(status)
        self.send_header('Content-Type', ctype)
        self.send_header('Content-Length', str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer(('127.0.0.1', port), Recorder) \
    .serve_forever()
