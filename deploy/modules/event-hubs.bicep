// The hub the readings arrive on (partition key = unit), the consumer group isoscope reads
// with, and a Listen-only policy for the consumer and its KEDA scale rule.
param location string
param namespaceName string
param hubName string
param consumerGroup string
@minValue(1)
@maxValue(32)
param partitionCount int

resource namespace 'Microsoft.EventHub/namespaces@2024-01-01' = {
  name: namespaceName
  location: location
  sku: {
    name: 'Standard'
    tier: 'Standard'
    capacity: 1
  }
  properties: {
    minimumTlsVersion: '1.2'
  }
}

resource hub 'Microsoft.EventHub/namespaces/eventhubs@2024-01-01' = {
  parent: namespace
  name: hubName
  properties: {
    partitionCount: partitionCount
    messageRetentionInDays: 1
  }
}

resource group 'Microsoft.EventHub/namespaces/eventhubs/consumergroups@2024-01-01' = {
  parent: hub
  name: consumerGroup
}

// Listen is all the consumer and the scaler need: reading events and partition information.
resource listen 'Microsoft.EventHub/namespaces/eventhubs/authorizationRules@2024-01-01' = {
  parent: hub
  name: 'isoscope-listen'
  properties: {
    rights: [
      'Listen'
    ]
  }
}

output namespaceName string = namespace.name
output hubName string = hub.name
output consumerGroup string = group.name
output listenRuleName string = listen.name
