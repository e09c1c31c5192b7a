using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Http;

namespace NetGen.Data
{
    /// <summary>Where downloaded datasets are cached.</summary>
    public static class DataCache
    {
        /// <summary>Environment variable that overrides the cache root folder.</summary>
        public const string EnvironmentVariable = "NETGEN_DATA";

        /// <summary>
        /// The cache root: <c>$NETGEN_DATA</c> when set; otherwise <c>$XDG_CACHE_HOME/netgen</c> when set; otherwise
        /// <c>%LOCALAPPDATA%\netgen</c> on Windows and <c>~/.cache/netgen</c> elsewhere. Each dataset uses a subfolder
        /// (<c>mnist</c>, <c>fashion-mnist</c>).
        /// </summary>
        public static string Root
        {
            get
            {
                string? explicitRoot = Environment.GetEnvironmentVariable(EnvironmentVariable);
                if (!string.IsNullOrEmpty(explicitRoot))
                {
                    return Path.GetFullPath(explicitRoot);
                }

                string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
                if (!string.IsNullOrEmpty(xdg) && Path.IsPathRooted(xdg))
                {
                    return Path.Combine(xdg, "netgen");
                }

                string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
                if (OperatingSystem.IsWindows() || string.IsNullOrEmpty(home))
                {
                    return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "netgen");
                }

                return Path.Combine(home, ".cache", "netgen");
            }
        }
    }

    /// <summary>Options for downloading a dataset.</summary>
    public sealed class DownloadOptions
    {
        /// <summary>
        /// Folder to download into; default <see cref="DataCache.Root"/>/&lt;dataset&gt;. Files already present
        /// (raw or <c>.gz</c>) are not downloaded again.
        /// </summary>
        public string? Directory { get; set; }

        /// <summary>
        /// Base URLs tried in order, each followed by the file name plus <c>.gz</c>. Default: the dataset's HTTPS
        /// mirrors. Mirrors given here may also be plain <c>http://</c> (every file is verified by SHA-256 anyway).
        /// </summary>
        public IReadOnlyList<Uri>? Mirrors { get; set; }

        /// <summary>Client used for the requests (not disposed); default: a new client for the call.</summary>
        public HttpClient? HttpClient { get; set; }

        /// <summary>
        /// The longest wait for the response headers, or for the next bytes of a body, before the attempt fails and the
        /// next mirror is tried; default 30 s. The <see cref="System.Net.Http.HttpClient.Timeout"/> of the client, when
        /// shorter, applies the same way. <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> waits forever.
        /// </summary>
        public TimeSpan InactivityTimeout { get; set; } = TimeSpan.FromSeconds(30);
    }
}
