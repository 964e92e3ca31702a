using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Runlens.Server.Http;

namespace Runlens.Server.Mlflow;

/// <summary>
/// MLflow's proxied artifact API (<c>/api/2.0/mlflow-artifacts/artifacts</c>): upload (PUT), list (GET with ?path=),
/// download (GET of a path) and delete, all inside the configured artifact root. A path that is absolute, climbs out
/// with <c>..</c>, or resolves (through a link) outside the root is refused before any file is touched.
/// </summary>
internal sealed class ArtifactApi(ServerOptions options)
{
    private readonly string _root = Path.GetFullPath(options.ArtifactRoot);

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
            ? new DirectoryInfo(folder).EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal).ToList()
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
        await context.Response.SendFileAsync(file, context.RequestAborted).ConfigureAwait(false);
    }

    private async Task UploadAsync(HttpContext context, string path)
    {
        var file = Resolve(path, allowRoot: false);
        if (Directory.Exists(file))
        {
            throw ApiException.Invalid($"Artifact path '{path}' is a folder.");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var feature = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>();
        if (feature is { IsReadOnly: false })
        {
            feature.MaxRequestBodySize = options.MaxUploadBytes;
        }

        // Written beside the target and moved into place: a broken upload never leaves half a file under the name.
        var partial = file + ".uploading-" + Guid.NewGuid().ToString("N");
        try
        {
            await using (var output = File.Create(partial))
            {
                await context.Request.Body.CopyToAsync(output, context.RequestAborted).ConfigureAwait(false);
            }

            File.Move(partial, file, overwrite: true);
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
            File.Delete(target);
        }
        else if (Directory.Exists(target))
        {
            Directory.Delete(target, recursive: true);
        }
        else
        {
            throw ApiException.NotFound($"File {path} not found");
        }

        await JsonResponses.EmptyAsync(context).ConfigureAwait(false);
    }

    /// <summary>The absolute path of <paramref name="relative"/> under the root, or a 400 when it would leave it.</summary>
    internal string Resolve(string relative, bool allowRoot)
    {
        var bad = ApiException.Invalid($"Invalid path '{relative}': artifact paths are relative to the artifact root and may not leave it.");
        if (relative.Contains('\0', StringComparison.Ordinal) || relative.Contains('\\', StringComparison.Ordinal) || Path.IsPathRooted(relative)
            || relative.Split('/').Any(part => part == ".."))
        {
            throw bad;
        }

        var full = Path.GetFullPath(Path.Combine(_root, relative));
        if (full == _root ? !allowRoot : !full.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw bad;
        }

        // A link inside the root must not lead out of it.
        for (var p = full; p.Length > _root.Length; p = Path.GetDirectoryName(p)!)
        {
            var info = new FileInfo(p);
            if (info.Exists || Directory.Exists(p))
            {
                var target = info.LinkTarget is not null ? info.ResolveLinkTarget(returnFinalTarget: true)?.FullName
                    : new DirectoryInfo(p).LinkTarget is not null ? new DirectoryInfo(p).ResolveLinkTarget(returnFinalTarget: true)?.FullName : null;
                if (target is not null && target != _root && !target.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                {
                    throw bad;
                }
            }
        }

        return full;
    }

    private static string ContentType(string file) => Path.GetExtension(file).ToLowerInvariant() switch
    {
        ".txt" or ".log" or ".md" or ".yaml" or ".yml" or ".py" => "text/plain",
        ".json" => "application/json",
        ".html" => "text/html",
        ".png" => "image/png",
        ".jpg" or ".jpeg" => "image/jpeg",
        ".csv" => "text/csv",
        _ => "application/octet-stream",
    };
}
