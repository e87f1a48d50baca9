// The Node.js reference: the plain way to serve SSE with Node's `http` module — one `res.write` per
// client — publishing whatever is POSTed to /publish to every client, as bench/fanout/reference.py does.
// Run as `node bench/fanout/reference.js PORT`. Not Airdate's code: the yardstick it is measured by.
const http = require("http");
const clients = new Set();
let lastId = 0;
http.createServer((req, res) => {
  if (req.url === "/sse/stats") {
    res.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-cache" });
    res.write("retry: 5000\n\n");
    clients.add(res);
    req.on("close", () => clients.delete(res));
  } else if (req.url === "/publish" && req.method === "POST") {
    const body = [];
    req.on("data", (part) => body.push(part));
    req.on("end", () => {
      const chunk = Buffer.concat([Buffer.from(`id: ${++lastId}\ndata: `), ...body, Buffer.from("\n\n")]);
      for (const client of clients) client.write(chunk);
      res.end(String(lastId));
    });
  } else if (req.url === "/subscribers") {
    res.end(String(clients.size));
  } else {
    res.writeHead(404).end();
  }
}).listen(Number(process.argv[2]), "127.0.0.1", 4096);
