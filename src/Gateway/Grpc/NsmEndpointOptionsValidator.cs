using Microsoft.Extensions.Options;

namespace SriovForwarder.Gateway.Grpc;

/// <summary>The rules of <see cref="NsmEndpointOptions"/>, checked at start; each failure names the option and its variable.</summary>
public sealed class NsmEndpointOptionsValidator : IValidateOptions<NsmEndpointOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, NsmEndpointOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrEmpty(options.Name))
        {
            failures.Add("Name (NSM_NAME) must not be empty");
        }

        // Connection grains are keyed {node}/{connectionId}.
        if (string.IsNullOrEmpty(options.NodeName))
        {
            failures.Add("NodeName (NSM_NODE_NAME) must not be empty");
        }

        if (options.PassedFileTimeout <= TimeSpan.Zero)
        {
            failures.Add("PassedFileTimeout must be positive");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
