namespace SriovForwarder.Gateway.Tests.Grpc;

/// <summary>The forwarder's endpoint without SPIFFE (plaintext, no tokens): <see cref="ForwarderEndpointFixture"/> as it is.</summary>
public sealed class ForwarderEndToEndFixture() : ForwarderEndpointFixture(Node, Name)
{
    public const string Node = "node-e2e";
    public const string Name = "forwarder-e2e";
}
