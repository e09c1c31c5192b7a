using System;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace NetGen.Data.Tests
{
    /// <summary>A minimal HTTP/1.1 server on a free 127.0.0.1 port, one request per connection.</summary>
    internal sealed class LoopbackServer : IDisposable
    {
        private readonly TcpListener _listener;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;

        public LoopbackServer()
        {
            _listener = new TcpListener(IPAddress.Loopback, 0);
            _listener.Start();
            Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
            _loop = Task.Run(AcceptLoop);
        }

        public int Port { get; }

        /// <summary>Path → body. Missing paths get 404.</summary>
        public ConcurrentDictionary<string, byte[]> Files { get; } = new();

        /// <summary>Path → number of body bytes to send before closing the connection (Content-Length still announces the full body).</summary>
        public ConcurrentDictionary<string, int> CutAfter { get; } = new();

        /// <summary>Path → a handler that writes the whole raw response itself (to stall, trickle, oversend, redirect...).</summary>
        public ConcurrentDictionary<string, Func<NetworkStream, CancellationToken, Task>> Handlers { get; } = new();

        public ConcurrentQueue<string> Requests { get; } = new();

        /// <summary>Writes a status line and headers (plus Connection: close) in ASCII.</summary>
        public static Task WriteHead(NetworkStream stream, string status, CancellationToken token, params string[] headers) =>
            stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 " + status + "\r\n" + string.Concat(Array.ConvertAll(headers, h => h + "\r\n")) + "Connection: close\r\n\r\n"), token).AsTask();

        public Uri Url(string path) => new($"http://127.0.0.1:{Port}{path}");

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            try
            {
                _loop.Wait(TimeSpan.FromSeconds(5));
            }
            catch (AggregateException)
            {
            }
        }

        private async Task AcceptLoop()
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync(_stop.Token);
                }
                catch (Exception) when (_stop.IsCancellationRequested)
                {
                    return;
                }
                catch (SocketException)
                {
                    return;
                }

                _ = Task.Run(() => Serve(client));
            }
        }

        private async Task Serve(TcpClient client)
        {
            using (client)
            {
                try
                {
                    NetworkStream stream = client.GetStream();
                    var request = new StringBuilder();
                    var buffer = new byte[4096];
                    while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                    {
                        int n = await stream.ReadAsync(buffer);
                        if (n == 0)
                        {
                            return;
                        }

                        request.Append(Encoding.ASCII.GetString(buffer, 0, n));
                    }

                    string path = request.ToString().Split(' ')[1];
                    Requests.Enqueue(path);
                    if (Handlers.TryGetValue(path, out Func<NetworkStream, CancellationToken, Task>? handler))
                    {
                        await handler(stream, _stop.Token);
                        return;
                    }

                    if (!Files.TryGetValue(path, out byte[]? body))
                    {
                        await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
                        return;
                    }

                    int send = CutAfter.TryGetValue(path, out int cut) ? cut : body.Length;
                    string head = string.Create(CultureInfo.InvariantCulture, $"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
                    await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
                    await stream.WriteAsync(body.AsMemory(0, send));
                    await stream.FlushAsync();
                }
                catch (Exception e) when (e is System.IO.IOException or SocketException or ObjectDisposedException or OperationCanceledException)
                {
                }
            }
        }
    }
}
