using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Runlens.Server.Http;

namespace Runlens.Server.Mlflow;

/// <summary>
/// MLflow's proxied artifact API (<c>/api/2.0/mlflow-artifacts/artifacts</c>): upload (PUT), list (GET with ?path=),
/// download (GET of a path) and delete, all inside the configured artifact root. A path that is absolute, climbs out
/// with <c>..</c>, or resolves outside the root — its links followed as the kernel follows them
/// (<see cref="RealPath"/>) — is refused before any file is touched. Downloads of active content (HTML, SVG, scripts)
/// are sent as <c>text/plain</c>, as MLflow does, and every artifact with a policy that runs nothing. Errors name the
/// artifact path, never the server's folders.
/// </summary>
internal sealed class ArtifactApi(ServerOptions options)
{
    /// <summary>The longest file or folder name (bytes of UTF-8) the file systems Runlens runs on accept.</summary>
    public const int MaxNameBytes = 255;

    private readonly string _root = Path.GetFullPath(options.ArtifactRoot);
    private readonly Lazy<string> _realRoot = new(() => RealPath(Path.GetFullPath(options.ArtifactRoot), "(root)"));

    public void Map(IEndpointRouteBuilder app)
    {
        foreach (var prefix in (string[])["/api/2.0/mlflow-artifacts/artifacts", "/ajax-api/2.0/mlflow-artifacts/artifacts"])
        {
            app.MapGet(prefix, ListAsync);
            app.MapGet(prefix + "/{**path}", DownloadAsync);
            app.MapPut(prefix + "/{**path}", UploadAsync);
            app.MapDelete(prefix + "/{**path}", DeleteAsync);
        }
    }

    private async Task ListAsync(HttpContext context)
    {
        var relative = context.Request.Query["path"].ToString();
        var folder = Resolve(relative, allowRoot: true);
        var entries = Directory.Exists(folder)
            ? Guard(relative, () => new DirectoryInfo(folder).EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal).ToList())
            : [];
        await JsonResponses.WriteAsync(context, w =>
        {
            w.WriteStartObject();
            if (entries.Count > 0)
            {
                w.WriteStartArray("files");
                foreach (var e in entries)
                {
                    w.WriteStartObject();
                    w.WriteString("path", e.Name);
                    w.WriteBoolean("is_dir", e is DirectoryInfo);
                    if (e is FileInfo f)
                    {
                        w.WriteNumber("file_size", f.Length);
                    }

                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }

            w.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private async Task DownloadAsync(HttpContext context, string path)
    {
        var file = Resolve(path, allowRoot: false);
        if (!File.Exists(file))
        {
            throw ApiException.NotFound($"File {path} not found");
        }

        context.Response.ContentType = ContentType(file);
        context.Response.Headers.ContentSecurityPolicy = ResponseHeadersMiddleware.ArtifactPolicy;
        await context.Response.SendFileAsync(file, context.RequestAborted).ConfigureAwait(false);
    }

    private async Task UploadAsync(HttpContext context, string path)
    {
        var file = Resolve(path, allowRoot: false);
        if (Directory.Exists(file))
        {
            throw ApiException.Invalid($"Artifact path '{path}' is a folder.");
        }

        Guard(path, () => Directory.CreateDirectory(Path.GetDirectoryName(file)!));
        var feature = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>();
        if (feature is { IsReadOnly: false })
        {
            feature.MaxRequestBodySize = options.MaxUploadBytes;
        }

        // Written beside the target under a short name of its own (a long artifact name stays within the name limit)
        // and moved into place: a broken upload never leaves half a file under the name.
        var partial = Path.Combine(Path.GetDirectoryName(file)!, ".upload-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using (var output = Guard(path, () => File.Create(partial)))
            {
                await context.Request.Body.CopyToAsync(output, context.RequestAborted).ConfigureAwait(false);
            }

            Guard(path, () => File.Move(partial, file, overwrite: true));
        }
        catch (Microsoft.AspNetCore.Http.BadHttpRequestException ex) when (ex.StatusCode == 413)
        {
            throw new ApiException(ErrorCodes.TooLarge, $"Artifact '{path}' is larger than the limit of {options.MaxUploadBytes} bytes.");
        }
        finally
        {
            File.Delete(partial);
        }

        await JsonResponses.EmptyAsync(context).ConfigureAwait(false);
    }

    private async Task DeleteAsync(HttpContext context, string path)
    {
        var target = Resolve(path, allowRoot: false);
        if (File.Exists(target))
        {
            Guard(path, () => File.Delete(target));
        }
        else if (Directory.Exists(target))
        {
            Guard(path, () => Directory.Delete(target, recursive: true));
        }
        else
        {
            throw ApiException.NotFound($"File {path} not found");
        }

        await JsonResponses.EmptyAsync(context).ConfigureAwait(false);
    }

    /// <summary>The real path of <paramref name="relative"/> under the root (every link in it followed), or a 400 when it
    /// would leave the root, loops, or has a name longer than <see cref="MaxNameBytes"/>.</summary>
    internal string Resolve(string relative, bool allowRoot)
    {
        var bad = ApiException.Invalid($"Invalid path '{relative}': artifact paths are relative to the artifact root and may not leave it.");
        if (relative.Contains('\0', StringComparison.Ordinal) || relative.Contains('\\', StringComparison.Ordinal) || Path.IsPathRooted(relative)
            || relative.Split('/').Any(part => part == ".."))
        {
            throw bad;
        }

        if (relative.Split('/').FirstOrDefault(part => System.Text.Encoding.UTF8.GetByteCount(part) > MaxNameBytes) is { } longName)
        {
            throw ApiException.Invalid($"Invalid path '{relative}': the name '{longName[..40]}...' is {System.Text.Encoding.UTF8.GetByteCount(longName)} bytes long; names may have at most {MaxNameBytes}.");
        }

        var full = Path.GetFullPath(Path.Combine(_root, relative));
        if (full == _root ? !allowRoot : !full.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw bad;
        }

        // The kernel follows a link before it applies a later "..": compare where the path really leads, not its text.
        var root = _realRoot.Value;
        var real = RealPath(full, relative);
        if (real == root ? !allowRoot : !real.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw bad;
        }

        return real;
    }

    /// <summary>
    /// Where <paramref name="path"/> (absolute) really leads, as realpath(3) resolves it: component by component, each
    /// link replaced by its target before the next component (or a "..") applies. Past the deepest existing ancestor the
    /// rest is appended as text; a ".." there, or more than 40 links, is a 400 (<paramref name="shown"/> names the path).
    /// </summary>
    internal static string RealPath(string path, string shown)
    {
        var pending = new Stack<string>(Components(path).Reverse());
        var root = Path.GetPathRoot(path)!;
        var resolved = root;
        var links = 0;
        var missing = false;
        while (pending.TryPop(out var part))
        {
            if (part is "" or ".")
            {
                continue;
            }

            if (part == "..")
            {
                if (missing)
                {
                    throw ApiException.Invalid($"Invalid path '{shown}': a link in it climbs out of a folder that does not exist.");
                }

                resolved = Path.GetDirectoryName(resolved) ?? root;
                continue;
            }

            var next = Path.Combine(resolved, part);
            var target = missing ? null : new FileInfo(next).LinkTarget;
            if (target is null)
            {
                missing = missing || !(File.Exists(next) || Directory.Exists(next));
                resolved = next;
                continue;
            }

            if (++links > 40)
            {
                throw ApiException.Invalid($"Invalid path '{shown}': too many levels of links (a link loop?).");
            }

            if (Path.IsPathRooted(target))
            {
                resolved = Path.GetPathRoot(target)!;
            }

            foreach (var t in Components(target).Reverse())
            {
                pending.Push(t);
            }
        }

        return resolved.Length > root.Length ? resolved.TrimEnd(Path.DirectorySeparatorChar) : resolved;
    }

    private static IEnumerable<string> Components(string path) =>
        path[(Path.GetPathRoot(path)?.Length ?? 0)..].Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);

    /// <summary>Runs a file-system step; its failure is a 400 that names the artifact path (never the server's folder).</summary>
    private static T Guard<T>(string path, Func<T> step)
    {
        try
        {
            return step();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw ApiException.Invalid($"Artifact path '{path}': {Cause(ex)}.");
        }
    }

    private static void Guard(string path, Action step) => Guard(path, () =>
    {
        step();
        return true;
    });

    /// <summary>What went wrong, without the absolute paths .NET puts in its messages.</summary>
    private static string Cause(Exception ex) => ex switch
    {
        UnauthorizedAccessException => "permission denied",
        PathTooLongException => "the path is too long",
        FileNotFoundException or DirectoryNotFoundException => "a folder on the way does not exist",
        IOException io when (io.HResult & 0xFFFF) == 20 => "a part of the path is a file, not a folder",     // ENOTDIR
        IOException io when (io.HResult & 0xFFFF) == 21 => "the path is a folder, not a file",               // EISDIR
        IOException io when (io.HResult & 0xFFFF) == 40 => "too many levels of links",                      // ELOOP
        IOException io when (io.HResult & 0xFFFF) == 36 => "a name in it is too long",                      // ENAMETOOLONG
        IOException io when (io.HResult & 0xFFFF) == 17 => "a file or folder of that name is in the way",   // EEXIST
        _ => "the file system refused it",
    };

    /// <summary>Active content (what a browser would run) is sent as text, as MLflow's server does.</summary>
    private static string ContentType(string file) => Path.GetExtension(file).ToLowerInvariant() switch
    {
        ".txt" or ".log" or ".md" or ".yaml" or ".yml" or ".py" => "text/plain",
        ".json" => "application/json",
        ".html" or ".htm" or ".xhtml" or ".svg" or ".js" or ".mjs" or ".xml" or ".xsl" => "text/plain; charset=utf-8",
        ".png" => "image/png",
        ".jpg" or ".jpeg" => "image/jpeg",
        ".csv" => "text/csv",
        _ => "application/octet-stream",
    };
}
