"""The microservices: five apps, each serving one operation behind the gateway."""
